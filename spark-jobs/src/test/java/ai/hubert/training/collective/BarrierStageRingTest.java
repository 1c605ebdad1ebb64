package ai.hubert.training.collective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubert.testing.TestSpark;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.Function1;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;

/** Two tasks of a real barrier stage (local[2]) rendezvous through allGather and all-reduce 10M floats. */
class BarrierStageRingTest {
  private static final int FLOATS = 10_000_000;
  private static final int REPS = 3;

  @Test
  void twoBarrierTasksAllReduceTenMillionFloats(@TempDir Path tmp) {
    SparkSession spark = TestSpark.session(tmp.resolve("store"));
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    byte[] secret = Rendezvous.newSecret(); // made on the driver, shipped in the closure
    RingOptions options = RingOptions.defaults().withTimeout(Duration.ofSeconds(60));
    long t0 = System.nanoTime();
    Function1<Iterator<Integer>, Iterator<String>> task =
        (Function1<Iterator<Integer>, Iterator<String>> & Serializable) it -> runTask(secret, options);
    String[] lines = (String[]) jsc.parallelize(List.of(0, 1), 2).rdd().barrier()
        .mapPartitions(task, false, ClassTag$.MODULE$.apply(String.class)).collect();
    double jobMs = (System.nanoTime() - t0) / 1e6;
    assertEquals(2, lines.length);
    for (String line : lines) {
      System.out.println("barrier stage: " + line);
      assertTrue(line.contains("ok=true"), line);
    }
    System.out.printf("barrier stage: job wall %.0f ms (includes the allGather rendezvous, ~1 s)%n", jobMs);
  }

  private static Iterator<String> runTask(byte[] secret, RingOptions options) {
    BarrierTaskContext context = BarrierTaskContext.get();
    long r0 = System.nanoTime();
    try (TcpRingAllReduce ring = TcpRingAllReduce.open(context, secret, options)) {
      double rendezvousMs = (System.nanoTime() - r0) / 1e6;
      int rank = ring.rank();
      int n = ring.worldSize();
      FloatBuffer data = ByteBuffer.allocateDirect(4 * FLOATS).order(ByteOrder.nativeOrder()).asFloatBuffer();
      List<Double> ms = new ArrayList<>();
      boolean ok = true;
      for (int rep = 0; rep <= REPS; rep++) {
        for (int i = 0; i < FLOATS; i++) {
          data.put(i, (i % 4096) + 0.5f * rank);
        }
        ring.barrier();
        long t0 = System.nanoTime();
        ring.allReduceSum(data);
        ms.add((System.nanoTime() - t0) / 1e6);
        for (int i = 0; i < FLOATS; i++) {
          // exact in float32: integers below 2^24 plus halves
          if (data.get(i) != n * (float) (i % 4096) + 0.5f * n * (n - 1) / 2) {
            ok = false;
          }
        }
      }
      List<Double> timed = new ArrayList<>(ms.subList(1, ms.size()));
      timed.sort(null);
      double median = timed.get(timed.size() / 2);
      double algbw = 4.0 * FLOATS / (median / 1e3) / 1e9;
      String line = String.format("rank=%d/%d host=%s rendezvous=%.0fms allReduce(%d floats) first=%.1fms median=%.1fms"
          + " algbw=%.2fGB/s busbw=%.2fGB/s ok=%s", rank, n, ring.address(rank), rendezvousMs, FLOATS, ms.get(0), median,
          algbw, algbw * 2 * (n - 1) / n, ok);
      return CollectionConverters.asScala(List.of(line).iterator());
    }
  }
}
