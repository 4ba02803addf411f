package io.herald.subscriptions.access;

import java.util.Arrays;

/** Read access for tests about matching itself, not about who may read what. */
public final class TestAccess {

    /** Every caller may read every event. */
    public static final ReadAccess EVERYONE_READS_EVERYTHING = (callers, events) -> {
        boolean[] all = new boolean[events.size()];
        Arrays.fill(all, true);
        return all;
    };

    private TestAccess() {
    }
}
