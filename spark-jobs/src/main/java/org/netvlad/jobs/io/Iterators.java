package org.netvlad.jobs.io;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;

/** Streaming helpers for partition functions: one element (or one batch) in memory at a time. */
public final class Iterators {
  private Iterators() {}

  /** Each element of {@code in} mapped, lazily. */
  public static <A, B> Iterator<B> map(Iterator<A> in, Function<A, B> f) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return in.hasNext();
      }

      @Override
      public B next() {
        return f.apply(in.next());
      }
    };
  }

  /** The outputs of {@code f} over consecutive batches of up to {@code size} elements, lazily. */
  public static <A, B> Iterator<B> batched(Iterator<A> in, int size, Function<List<A>, List<B>> f) {
    return new Iterator<>() {
      private Iterator<B> current = java.util.Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        while (!current.hasNext() && in.hasNext()) {
          List<A> batch = new ArrayList<>(size);
          while (in.hasNext() && batch.size() < size) {
            batch.add(in.next());
          }
          current = f.apply(batch).iterator();
        }
        return current.hasNext();
      }

      @Override
      public B next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return current.next();
      }
    };
  }
}
