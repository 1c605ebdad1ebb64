package ai.hubert.labels.kmeans;

import java.io.Serializable;
import java.util.Locale;

/**
 * The settings a {@link KMeansFitter} ran with, kept by the fitted {@link KMeansCentroids} (and written into
 * a stored model's {@code params} as {@link #toJson()}).
 *
 * @param k number of clusters
 * @param sampleFraction fraction of utterances sampled (by a seeded hash of the utterance id)
 * @param seed seed of the utterance sample and of MLlib's k-means|| initialization
 * @param maxIter maximum number of Lloyd iterations
 * @param tol convergence tolerance: stop when no centroid moves farther than this (Euclidean)
 * @param initSteps k-means|| initialization rounds
 * @param solver MLlib KMeans solver ({@code block}, {@code row} or {@code auto})
 */
public record KMeansFitSettings(int k, double sampleFraction, long seed, int maxIter, double tol, int initSteps,
    String solver) implements Serializable {

  /** These settings as one JSON object with the field names above. */
  public String toJson() {
    return String.format(Locale.ROOT,
        "{\"k\":%d,\"sampleFraction\":%s,\"seed\":%d,\"maxIter\":%d,\"tol\":%s,\"initSteps\":%d,\"solver\":\"%s\"}",
        k, Double.toString(sampleFraction), seed, maxIter, Double.toString(tol), initSteps, solver);
  }
}
