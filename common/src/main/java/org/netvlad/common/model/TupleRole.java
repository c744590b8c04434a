package org.netvlad.common.model;

/**
 * The role of a row in a training minibatch, as the second label column carries it. A minibatch
 * holds one or more tuples; every row's label is {@code [tuple index, role code]}.
 */
public enum TupleRole {
  QUERY(0),
  POSITIVE(1),
  NEGATIVE(2);

  public final int code;

  TupleRole(int code) {
    this.code = code;
  }

  static TupleRole ofCode(double code, long row) {
    for (TupleRole r : values()) {
      if (r.code == code) {
        return r;
      }
    }
    throw new IllegalArgumentException(
        "minibatch row "
            + row
            + " has role code "
            + code
            + "; expected 0 (query), 1 (positive) or 2 (negative)");
  }
}
