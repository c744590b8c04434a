package org.netvlad.common.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

class ClusterInitTest {
  private static final Networks.Training TRAINING = new Networks.Training(new Sgd(0.01), 0, 7);

  /**
   * Points in {@code blobs} tight Gaussian blobs around random unit centres; row i belongs to blob
   * i % blobs.
   */
  private static double[][] blobs(
      int blobs, int perBlob, int depth, double spread, Random random, double[][] truth) {
    for (int k = 0; k < blobs; k++) {
      truth[k] = NetVladMathTest.gaussian(random, 1, depth, 1)[0];
      NetVladReference.normalise(truth[k]);
    }
    double[][] x = new double[blobs * perBlob][depth];
    for (int i = 0; i < x.length; i++) {
      for (int d = 0; d < depth; d++) {
        x[i][d] = truth[i % blobs][d] + spread * random.nextGaussian();
      }
    }
    return x;
  }

  @Test
  void kMeansFindsSeparatedBlobsAndTheirMembers() {
    Random random = new Random(3);
    double[][] truth = new double[6][];
    double[][] x = blobs(6, 200, 10, 0.03, random, truth);
    KMeans.Result result = KMeans.fit(Nd4j.create(x), 6, 100, 11);
    double[][] centres = result.centres().toDoubleMatrix();
    // every true centre has a found centre within 0.01, and every blob maps to one cluster alone
    int[] clusterOfBlob = new int[6];
    for (int k = 0; k < 6; k++) {
      int nearest = 0;
      for (int j = 1; j < 6; j++) {
        if (dist(centres[j], truth[k]) < dist(centres[nearest], truth[k])) {
          nearest = j;
        }
      }
      assertTrue(
          dist(centres[nearest], truth[k]) < 0.01,
          "blob " + k + " centre off by " + dist(centres[nearest], truth[k]));
      clusterOfBlob[k] = nearest;
    }
    assertEquals(6, java.util.Arrays.stream(clusterOfBlob).distinct().count());
    for (int i = 0; i < x.length; i++) {
      assertEquals(clusterOfBlob[i % 6], result.assignment()[i], "point " + i);
    }
  }

  @Test
  void kMeansRefusesFewerPointsThanClusters() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> KMeans.fit(Nd4j.rand(DataType.DOUBLE, 3, 4), 5, 10, 1));
    assertTrue(e.getMessage().contains("3 points for 5 clusters"), e.getMessage());
  }

  private static double dist(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return Math.sqrt(s);
  }

  /**
   * The defining property of α: over the sampled features, the mean gap between the best and the
   * second-best assignment logit is ln(100), i.e. the best cluster outweighs the second 100:1 on
   * average; and the centres are k-means centres.
   */
  @ParameterizedTest
  @EnumSource(ClusterInit.Variant.class)
  void alphaMakesTheTopTwoAssignmentsOneHundredToOne(ClusterInit.Variant variant) {
    MultiLayerNetwork net =
        Networks.create(
            new ModelSpec(Backbone.SMALL, Pooling.NETVLAD, 8, 16, 16, 0.1, ""),
            TRAINING,
            DataType.DOUBLE);
    Random random = new Random(5);
    double[][] truth = new double[8][];
    INDArray features = Nd4j.create(blobs(8, 50, 128, 0.02, random, truth));
    features.diviColumnVector(features.norm2(1));
    ClusterInit.Summary summary = ClusterInit.initialise(net, features, variant, 100, 3);
    assertTrue(summary.alpha() > 0);

    Layer pool = net.getLayer(Networks.descriptorLayerIndex(net));
    double[][] w = pool.getParam(NetVladParams.ASSIGN_WEIGHTS).toDoubleMatrix();
    double[] b = pool.getParam(NetVladParams.ASSIGN_BIAS).toDoubleVector();
    double[][] x = features.toDoubleMatrix();
    double gapSum = 0;
    for (double[] xi : x) {
      double first = Double.NEGATIVE_INFINITY;
      double second = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < w.length; k++) {
        double z = b[k];
        for (int d = 0; d < xi.length; d++) {
          z += w[k][d] * xi[d];
        }
        if (z > first) {
          second = first;
          first = z;
        } else if (z > second) {
          second = z;
        }
      }
      gapSum += first - second;
    }
    assertEquals(Math.log(100), gapSum / x.length, 1e-9);
    if (variant == ClusterInit.Variant.V1) {
      for (double bk : b) {
        assertEquals(0.0, bk);
      }
    }
    // the centres are the blob means (k-means' fixed point on separated blobs)
    double[][] c = pool.getParam(NetVladParams.CENTRES).toDoubleMatrix();
    for (double[] t : truth) {
      double best = Double.POSITIVE_INFINITY;
      for (double[] ck : c) {
        best = Math.min(best, dist(ck, t));
      }
      assertTrue(best < 0.05, "a true centre is " + best + " from every k-means centre");
    }
  }

  @Test
  void sampledFeaturesAreDistinctNormalisedLocationsOfEachImage() {
    MultiLayerNetwork net =
        Networks.create(
            new ModelSpec(Backbone.SMALL, Pooling.NETVLAD, 4, 16, 24, 0.1, ""),
            TRAINING,
            DataType.DOUBLE);
    INDArray images = Nd4j.rand(DataType.DOUBLE, 3, 3, 16, 24);
    INDArray sample = ClusterInit.sampleFeatures(net, images, 5, new Random(1));
    assertEquals(15, sample.size(0));
    assertEquals(128, sample.size(1));
    int featureLayer = Networks.featureLayerIndex(net);
    INDArray maps =
        net.feedForwardToLayer(featureLayer, images, false).get(featureLayer + 1); // [3, 128, 2, 3]
    for (int image = 0; image < 3; image++) {
      Set<Integer> locations = new HashSet<>();
      for (int r = image * 5; r < image * 5 + 5; r++) {
        double[] row = sample.getRow(r).toDoubleVector();
        int found = -1;
        for (int h = 0; h < maps.size(2); h++) {
          for (int col = 0; col < maps.size(3); col++) {
            double[] loc = new double[128];
            for (int d = 0; d < 128; d++) {
              loc[d] = maps.getDouble(image, d, h, col);
            }
            NetVladReference.normalise(loc);
            if (dist(loc, row) < 1e-9) {
              found = h * 100 + col;
            }
          }
        }
        assertTrue(found >= 0, "sample row " + r + " is not a location of image " + image);
        assertTrue(locations.add(found), "location sampled twice in image " + image);
      }
    }
  }

  /**
   * What lets k-means and alpha run over features spread across machines: parts add up to the
   * whole.
   */
  @ParameterizedTest
  @EnumSource(ClusterInit.Variant.class)
  void partialSumsOfPartsEqualALloydStepAndTheGapOverTheWhole(ClusterInit.Variant variant) {
    INDArray points = Nd4j.rand(DataType.DOUBLE, 300, 6).subi(0.5);
    INDArray centres = points.getRows(0, 50, 100, 150, 200);
    // Hand-worked Lloyd step, brute force: each point to its nearest centre, then the means.
    double[][] x = points.toDoubleMatrix();
    double[][] c = centres.toDoubleMatrix();
    double[][] sums = new double[5][6];
    long[] counts = new long[5];
    double gap = 0;
    for (double[] p : x) {
      int best = 0;
      double[] scores = new double[5];
      for (int k = 0; k < 5; k++) {
        double d2 = 0;
        double dot = 0;
        double norm = 0;
        for (int j = 0; j < 6; j++) {
          d2 += (p[j] - c[k][j]) * (p[j] - c[k][j]);
          dot += p[j] * c[k][j];
          norm += c[k][j] * c[k][j];
        }
        scores[k] = variant == ClusterInit.Variant.V1 ? dot / Math.sqrt(norm) : d2;
        double bestD2 = 0;
        for (int j = 0; j < 6; j++) {
          bestD2 += (p[j] - c[best][j]) * (p[j] - c[best][j]);
        }
        if (d2 < bestD2) {
          best = k;
        }
      }
      counts[best]++;
      for (int j = 0; j < 6; j++) {
        sums[best][j] += p[j];
      }
      double[] sorted = scores.clone();
      java.util.Arrays.sort(sorted);
      gap += variant == ClusterInit.Variant.V1 ? sorted[4] - sorted[3] : sorted[1] - sorted[0];
    }
    KMeans.Partial merged =
        KMeans.partial(points.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 120)), centres)
            .merge(
                KMeans.partial(
                    points.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(120, 300)), centres));
    assertEquals(java.util.Arrays.toString(counts), java.util.Arrays.toString(merged.counts()));
    double[][] next = merged.centres(centres).toDoubleMatrix();
    for (int k = 0; k < 5; k++) {
      for (int j = 0; j < 6; j++) {
        assertEquals(sums[k][j] / counts[k], next[k][j], 1e-9);
      }
    }
    double[] a =
        ClusterInit.gapSum(
            points.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 120)), centres, variant);
    double[] b =
        ClusterInit.gapSum(
            points.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(120, 300)), centres, variant);
    assertEquals(300, a[1] + b[1]);
    assertEquals(gap / 300, (a[0] + b[0]) / (a[1] + b[1]), 1e-9);
  }
}
