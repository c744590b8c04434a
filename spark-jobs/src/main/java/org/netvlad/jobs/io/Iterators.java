package org.netvlad.jobs.io;

import java.util.Iterator;
import java.util.function.Function;

/** Streaming helpers for partition functions: one element in memory at a time. */
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
}
