/**
  * JMH benchmarks of Starling's hot paths. Build and run them with {@code ./starling bench [JMH options]}
  * (scripts/bench.sh), which builds {@code bench/target/benchmarks.jar} in the Maven profile {@code bench}.
  */
package dev.starling.bench;
