package ai.hubert.labels.kmeans;

import ai.hubert.spark.HubertSpark;
import ai.hubert.store.StoreLocation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Fits {@link KMeansFitter} on a fairseq feature dump ({@code P.npy}, {@code P.len}, optionally {@code P.tsv})
 * on a local Spark session, for {@code scripts/bench/kmeans_quality.py}: writes the centroids ({@code .npy},
 * float32 {@code [k, dim]}) and the labels ({@code .km}: one line per utterance, in file order), and prints
 * one JSON line with the fit's numbers.
 *
 * <pre>
 * KMeansQualityMain --prefix P --centroids-out C.npy --labels-out L.km [--k 100] [--seed 0]
 *     [--sample-fraction 1.0] [--max-iter 100] [--tol 1e-4] [--init-steps 2] [--solver block]
 *     [--master local[2]] [--partitions 2]
 * </pre>
 */
public final class KMeansQualityMain {
  private static final StructType SCHEMA = new StructType()
      .add("utt_id", DataTypes.StringType, false)
      .add("input_order", DataTypes.LongType, false)
      .add("num_frames", DataTypes.IntegerType, false)
      .add("dim", DataTypes.IntegerType, false)
      .add("features", new ArrayType(DataTypes.FloatType, false), false);

  private KMeansQualityMain() {}

  /** Runs the fit; exit status 2 on a usage error. */
  public static void main(String[] args) throws IOException {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        System.err.println("KMeansQualityMain: expected --name value pairs but found '" + args[i] + "'");
        System.exit(2);
      }
      opts.put(args[i].substring(2), args[++i]);
    }
    for (String required : List.of("prefix", "centroids-out", "labels-out")) {
      if (!opts.containsKey(required)) {
        System.err.println("KMeansQualityMain: missing --" + required + " (usage: --prefix P --centroids-out "
            + "C.npy --labels-out L.km [--k 100] [--seed 0] [--sample-fraction 1.0] [--max-iter 100] [--tol 1e-4] "
            + "[--init-steps 2] [--solver block] [--master local[2]] [--partitions 2])");
        System.exit(2);
      }
    }
    String prefix = opts.get("prefix");
    NpyFloatMatrix feats = NpyFloatMatrix.read(Path.of(prefix + ".npy"));
    List<Integer> lengths = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(prefix + ".len"), StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        lengths.add(Integer.parseInt(line.trim()));
      }
    }
    List<String> ids = utteranceIds(Path.of(prefix + ".tsv"), lengths.size());
    long total = lengths.stream().mapToLong(Integer::longValue).sum();
    if (total != feats.rows()) {
      throw new IllegalArgumentException(prefix + ".len sums to " + total + " frames but " + prefix + ".npy has "
          + feats.rows() + " rows");
    }
    int dim = feats.cols();
    List<Row> rows = new ArrayList<>(lengths.size());
    int at = 0;
    for (int u = 0; u < lengths.size(); u++) {
      int n = lengths.get(u);
      float[] values = new float[n * dim];
      System.arraycopy(feats.values(), at * dim, values, 0, n * dim);
      at += n;
      rows.add(RowFactory.create(ids.get(u), (long) u, n, dim, values));
    }

    Path store = Files.createTempDirectory("kmeans-quality-store");
    SparkSession spark = HubertSpark.builder().master(opts.getOrDefault("master", "local[2]"))
        .store(StoreLocation.of(store.toString())).appName("kmeans-quality").conf("spark.ui.enabled", "false")
        .getOrCreate();
    int partitions = Integer.parseInt(opts.getOrDefault("partitions", "2"));
    // Through Parquet, as a feature table is read: tasks then carry file splits, not the rows.
    String parquet = store.resolve("features.parquet").toString();
    spark.createDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, partitions),
        SCHEMA).write().parquet(parquet);
    Dataset<Row> table = spark.read().parquet(parquet);

    KMeansFitter fitter = new KMeansFitter()
        .setK(Integer.parseInt(opts.getOrDefault("k", "100")))
        .setSeed(Long.parseLong(opts.getOrDefault("seed", "0")))
        .setSampleFraction(Double.parseDouble(opts.getOrDefault("sample-fraction", "1.0")))
        .setMaxIter(Integer.parseInt(opts.getOrDefault("max-iter", "100")))
        .setTol(Double.parseDouble(opts.getOrDefault("tol", "1e-4")))
        .setInitSteps(Integer.parseInt(opts.getOrDefault("init-steps", "2")))
        .setSolver(opts.getOrDefault("solver", "block"));
    long start = System.nanoTime();
    KMeansCentroids model = fitter.fit(table);
    double fitSeconds = (System.nanoTime() - start) / 1e9;

    new NpyFloatMatrix(model.k(), model.dim(), model.centroids()).write(Path.of(opts.get("centroids-out")));
    start = System.nanoTime();
    List<Row> labelled = model.transform(table).select("input_order", "labels").orderBy("input_order")
        .collectAsList();
    double labelSeconds = (System.nanoTime() - start) / 1e9;
    StringBuilder km = new StringBuilder();
    for (Row r : labelled) {
      List<Integer> labels = r.getList(1);
      for (int i = 0; i < labels.size(); i++) {
        km.append(i == 0 ? "" : " ").append(labels.get(i));
      }
      km.append('\n');
    }
    Files.writeString(Path.of(opts.get("labels-out")), km, StandardCharsets.UTF_8);
    spark.stop();
    try (var paths = Files.walk(store)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }

    System.out.println(String.format(Locale.ROOT,
        "{\"k\":%d,\"dim\":%d,\"frames\":%d,\"utterances\":%d,\"inertia_per_frame\":%.9g,\"iterations\":%d,"
            + "\"fit_seconds\":%.3f,\"label_seconds\":%.3f,\"settings\":%s}",
        model.k(), model.dim(), model.frames(), model.utterances(), model.inertiaPerFrame(), model.iterations(),
        fitSeconds, labelSeconds, model.settings().toJson()));
  }

  /** Utterance ids: the file stems of the manifest's relpaths, or {@code utt<i>} without a manifest. */
  private static List<String> utteranceIds(Path tsv, int count) throws IOException {
    List<String> ids = new ArrayList<>(count);
    if (Files.exists(tsv)) {
      List<String> lines = Files.readAllLines(tsv, StandardCharsets.UTF_8);
      for (String line : lines.subList(1, lines.size())) {
        if (line.isBlank()) {
          continue;
        }
        String rel = line.split("\t")[0];
        String name = rel.substring(rel.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        ids.add(dot > 0 ? name.substring(0, dot) : name);
      }
      if (ids.size() != count) {
        throw new IllegalArgumentException(tsv + " lists " + ids.size() + " utterances but the .len file has "
            + count);
      }
      return ids;
    }
    for (int i = 0; i < count; i++) {
      ids.add("utt" + i);
    }
    return ids;
  }
}
