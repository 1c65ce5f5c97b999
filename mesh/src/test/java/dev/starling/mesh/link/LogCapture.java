package dev.starling.mesh.link;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Captures what a class logs through System.Logger (backed by java.util.logging in tests). */
final class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger;
    final List<String> messages = new CopyOnWriteArrayList<>();

    LogCapture(Class<?> type) {
        logger = Logger.getLogger(type.getName());
        logger.addHandler(this);
    }

    @Override
    public void publish(LogRecord record) {
        String text = record.getMessage();
        Object[] params = record.getParameters();
        messages.add(params == null ? text : java.text.MessageFormat.format(text, params));
    }

    boolean contains(String part) {
        return messages.stream().anyMatch(m -> m.contains(part));
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
