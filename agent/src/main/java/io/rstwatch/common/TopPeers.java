package io.rstwatch.common;

import io.rstwatch.decode.Addresses;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The addresses that took part most often, in a fixed number of slots (the "space saving" heavy-hitter
 * algorithm: a new address replaces the least counted one and inherits its count, so counts are upper bounds).
 * Primitive arrays only: recording allocates nothing, whatever the traffic. Recording takes no lock (it runs per
 * packet): with several capture threads counts may be off by a few, which is fine for a list of top talkers.
 */
public final class TopPeers {
    private final long[] hi;
    private final long[] lo;
    private final long[] count;
    private volatile int used;

    public TopPeers(int slots) {
        hi = new long[slots];
        lo = new long[slots];
        count = new long[slots];
    }

    public void record(long h, long l) {
        record(h, l, 1);
    }

    /** Records {@code n} events of this address at once (a kernel source's counts of a second). */
    public void record(long h, long l, long n) {
        int min = 0;
        int u = used;
        for (int i = 0; i < u; i++) {
            if (hi[i] == h && lo[i] == l) {
                count[i] += n;
                return;
            }
            if (count[i] < count[min]) {
                min = i;
            }
        }
        if (u < hi.length) {
            hi[u] = h;
            lo[u] = l;
            count[u] = n;
            used = u + 1; // published after the slot is written
        } else {
            hi[min] = h;
            lo[min] = l;
            count[min] += n; // inherits the evicted address's count
        }
    }

    /** Whether this address is the only one ever recorded. */
    public boolean isOnly(long h, long l) {
        return used == 1 && hi[0] == h && lo[0] == l && count[0] > 0;
    }

    /** An address and how often it took part (an upper bound). */
    public record Peer(String address, long count) {
        @Override
        public String toString() {
            return address + " (" + count + ")";
        }
    }

    /** "address (count)", most first, at most {@code limit}. */
    public List<String> top(int limit) {
        List<String> out = new ArrayList<>();
        for (Peer p : peers(limit)) {
            out.add(p.toString());
        }
        return out;
    }

    /** The addresses that took part most, most first, at most {@code limit}. */
    public List<Peer> peers(int limit) {
        int n = used;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(count[b], count[a]));
        List<Peer> out = new ArrayList<>();
        for (int i = 0; i < Math.min(limit, n); i++) {
            int s = order[i];
            out.add(new Peer(Addresses.format(hi[s], lo[s]), count[s]));
        }
        return out;
    }
}
