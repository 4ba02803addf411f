package io.herald.bench;

import java.util.Arrays;

/** Percentiles of a sample, nearest-rank. */
final class Stats {

    private Stats() {
    }

    /** The p-th percentile (0 < p ≤ 100) of {@code values}, nearest rank; NaN for none. */
    static double percentile(double[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static String summary(double[] millis) {
        return String.format("p50 %.1f ms, p99 %.1f ms, max %.1f ms (n=%d)", percentile(millis, 50), percentile(millis, 99),
                percentile(millis, 100), millis.length);
    }
}
