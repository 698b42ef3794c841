package io.tributary.operator.autoscale;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * First-fit decreasing over resource vectors (CPU, memory, accelerators): biggest item first, each
 * into the first bin with room in every dimension, a new bin when none has.
 *
 * <p>Why this and not an optimal packing: the scheduler itself places pods one at a time, greedily,
 * so an optimum would promise packings it never makes; first-fit decreasing stays close to the
 * optimum (in one dimension at most 11/9 of it plus one bin), is deterministic, and costs items ×
 * bins. Sorting by the dominant share (the largest fraction of a node an item takes in any
 * dimension) puts a GPU worker or a memory-heavy one first, so it is not stranded behind small ones
 * that fragmented every bin.
 */
final class BinPacking {
  private BinPacking() {}

  /** Something to place, with its size per dimension. */
  record Item(String name, long[] size) {}

  /**
   * Where the items went.
   *
   * @param usedBins indices of the given open bins that took at least one item
   * @param newBins bins opened (each the size of a whole node)
   * @param unplaced items that found no room within {@code maxNewBins}
   */
  record Result(List<Integer> usedBins, int newBins, List<String> unplaced) {}

  /**
   * @param open room left in bins that exist (or are on their way), tried first, in this order
   * @param binSize the room of a new bin; every item must fit in one
   * @param maxNewBins how many bins may be opened at most
   */
  static Result firstFitDecreasing(
      List<Item> items, List<long[]> open, long[] binSize, int maxNewBins) {
    List<long[]> bins = new ArrayList<>();
    open.forEach(room -> bins.add(room.clone()));
    boolean[] used = new boolean[open.size()];
    List<String> unplaced = new ArrayList<>();
    int opened = 0;
    List<Item> sorted =
        items.stream()
            .sorted(
                Comparator.comparingDouble((Item i) -> -dominantShare(i.size(), binSize))
                    .thenComparing(Item::name))
            .toList();
    for (Item item : sorted) {
      int bin = firstWithRoom(bins, item.size());
      if (bin < 0 && opened < maxNewBins) {
        bins.add(binSize.clone());
        opened++;
        bin = bins.size() - 1;
      }
      if (bin < 0) {
        unplaced.add(item.name());
        continue;
      }
      long[] room = bins.get(bin);
      for (int d = 0; d < room.length; d++) room[d] -= item.size()[d];
      if (bin < used.length) used[bin] = true;
    }
    List<Integer> usedBins = new ArrayList<>();
    for (int b = 0; b < used.length; b++) if (used[b]) usedBins.add(b);
    return new Result(usedBins, opened, unplaced);
  }

  /** Whether an item of {@code size} fits in a bin of {@code room}. */
  static boolean fits(long[] size, long[] room) {
    for (int d = 0; d < size.length; d++) if (size[d] > room[d]) return false;
    return true;
  }

  private static int firstWithRoom(List<long[]> bins, long[] size) {
    for (int b = 0; b < bins.size(); b++) if (fits(size, bins.get(b))) return b;
    return -1;
  }

  private static double dominantShare(long[] size, long[] binSize) {
    double share = 0;
    for (int d = 0; d < size.length; d++) {
      if (binSize[d] > 0) share = Math.max(share, (double) size[d] / binSize[d]);
    }
    return share;
  }
}
