package io.guildhall.runtime.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A signing-key rotation as the SDK tests drive it: the server started once per phase on one data
 * folder, with the flags common to every phase and the phase's own, and the phase's part of a node
 * script run against it.
 */
public final class RotationPhases {
    private RotationPhases() {
    }

    /** What runs against the server of one phase. */
    public interface Step {
        void run(TestServer server, String phase) throws Exception;
    }

    /** @param phases each the phase's name, then its flags */
    public static void run(Path dataDir, List<String> commonFlags, String[][] phases, Step step) throws Exception {
        for (String[] phase : phases) {
            List<String> flags = new ArrayList<>(commonFlags);
            flags.addAll(Arrays.asList(phase).subList(1, phase.length));
            try (TestServer server = TestServer.start(dataDir, flags.toArray(String[]::new))) {
                step.run(server, phase[0]);
            }
        }
    }
}
