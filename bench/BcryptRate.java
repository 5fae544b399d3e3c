import at.favre.lib.crypto.bcrypt.BCrypt;

import java.nio.charset.StandardCharsets;

/**
 * One thread's bcrypt checks per second at a cost, with the library and the call the server's
 * password check uses (Passwords.matches), in a JVM of its own: what one core can hash, the base of
 * the email sign-in target. Run from bench/run with the server's jar on the class path:
 *
 *   java -cp runtime/target/guildhall.jar bench/BcryptRate.java COST SECONDS [THREADS]
 *
 * With THREADS (default 1), that many threads check at once: what every core together hashes on
 * this machine, below one thread's rate times the cores by whatever else the machine runs.
 * Prints "<checks per second> <checks> <seconds> <checks per CPU second>": the last is what the
 * thread did per second it actually ran, which neighbours on a shared machine do not move much.
 * The first checks warm the JIT and are not counted.
 */
public final class BcryptRate {
    public static void main(String[] args) throws InterruptedException {
        int cost = Integer.parseInt(args[0]);
        double seconds = Double.parseDouble(args[1]);
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        char[] password = "bench-password".toCharArray();
        byte[] hash = BCrypt.withDefaults().hash(cost, password);
        long warmUntil = System.nanoTime() + (long) (Math.min(5, seconds / 4) * 1e9);
        while (System.nanoTime() < warmUntil) {
            check(password, hash);
        }
        int[] checks = new int[threads];
        double[] cpuSeconds = new double[threads];
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        Thread[] running = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int slot = t;
            running[t] = new Thread(() -> {
                java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
                long cpuStart = cpu.getCurrentThreadCpuTime();
                while (System.nanoTime() < end) {
                    check(password, hash);
                    checks[slot]++;
                }
                cpuSeconds[slot] = (cpu.getCurrentThreadCpuTime() - cpuStart) / 1e9;
            });
            running[t].start();
        }
        for (Thread thread : running) {
            thread.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        int total = java.util.Arrays.stream(checks).sum();
        double cpuTotal = java.util.Arrays.stream(cpuSeconds).sum();
        System.out.printf("%.3f %d %.1f %.3f%n", total / elapsed, total, elapsed, total / cpuTotal);
    }

    private static void check(char[] password, byte[] hash) {
        if (!BCrypt.verifyer().verify(password, hash).verified) {
            throw new IllegalStateException("bcrypt check failed");
        }
    }
}
