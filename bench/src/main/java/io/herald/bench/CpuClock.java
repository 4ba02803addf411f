package io.herald.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * CPU time spent between two points: this JVM's own (all its threads, GC and JIT included, from
 * {@code com.sun.management.OperatingSystemMXBean}) and the whole machine's busy time (every
 * process, PostgreSQL included, from {@code /proc/stat}), next to the wall time and the time the
 * JIT compilers spent (part of the process's CPU).
 */
final class CpuClock {

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** CPU seconds of this process and of the whole machine, and wall seconds, since {@link #start()}. */
    record Spent(double processSeconds, double machineSeconds, double wallSeconds, double compilingSeconds) {

        /** Milliseconds of this process's CPU per operation. */
        double processMillisPer(long operations) {
            return processSeconds * 1000 / operations;
        }

        /** Milliseconds of the whole machine's CPU per operation. */
        double machineMillisPer(long operations) {
            return machineSeconds * 1000 / operations;
        }

        @Override
        public String toString() {
            return String.format("%.2f s wall, this JVM %.2f s CPU (%.2f cores; JIT compiling %.2f s), whole machine %.2f s CPU "
                    + "(%.2f cores)", wallSeconds, processSeconds, processSeconds / wallSeconds, compilingSeconds, machineSeconds,
                    machineSeconds / wallSeconds);
        }
    }

    private final long processNanos = OS.getProcessCpuTime();
    private final long machineTicks = machineBusyTicks();
    private final long wallNanos = System.nanoTime();
    private final long compilingMillis = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();

    static CpuClock start() {
        return new CpuClock();
    }

    Spent spent() {
        return new Spent((OS.getProcessCpuTime() - processNanos) / 1e9, (machineBusyTicks() - machineTicks) / 100.0,
                (System.nanoTime() - wallNanos) / 1e9,
                (ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - compilingMillis) / 1000.0);
    }

    /** Busy ticks (1/100 s) of all CPUs: user, nice, system, irq, softirq, steal; not idle or iowait. */
    private static long machineBusyTicks() {
        try {
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long[] t = Arrays.stream(cpu, 1, cpu.length).mapToLong(Long::parseLong).toArray();
            return t[0] + t[1] + t[2] + t[5] + t[6] + (t.length > 7 ? t[7] : 0);
        } catch (IOException | RuntimeException e) {
            return 0; // not Linux: the machine's figure reads 0
        }
    }
}
