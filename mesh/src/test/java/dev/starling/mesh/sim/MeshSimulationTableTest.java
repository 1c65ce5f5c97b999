package dev.starling.mesh.sim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The BENCHMARKS.md table (50, 100 and 200 nodes, both fanouts). Slow (minutes), so not in CI: run with
 * {@code ./starling mvn -q -B -pl mesh -am test -Djacoco.skip=true -Dtest=MeshSimulationTableTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dmesh.sim.table=true} (see mesh README).
 */
class MeshSimulationTableTest {
    @Test
    @EnabledIfSystemProperty(named = "mesh.sim.table", matches = "true")
    void printTheScalingTable() {
        MeshSimulation.main(new String[] {Long.toString(MeshSimulationTest.SEED), "50", "100", "200"});
    }
}
