/** The PostgreSQL event log: group commit, feed reads below the transaction horizon, monthly partitions. */
package io.herald.store.internal;
