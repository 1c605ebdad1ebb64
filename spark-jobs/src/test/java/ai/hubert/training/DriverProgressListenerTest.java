package ai.hubert.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.junit.jupiter.api.Test;
import scala.Option;
import scala.Tuple4;

class DriverProgressListenerTest {
  private static SparkListenerExecutorMetricsUpdate heartbeat(long update, double audio) {
    AccumulableInfo u = new AccumulableInfo(1L, Option.apply(TrainingMetrics.UPDATE), Option.apply((Object) update),
        Option.empty(), false, false, Option.empty());
    AccumulableInfo a = new AccumulableInfo(2L, Option.apply(TrainingMetrics.AUDIO_SECONDS), Option.apply((Object) audio),
        Option.empty(), false, false, Option.empty());
    AccumulableInfo other = new AccumulableInfo(3L, Option.apply("internal.metrics.executorRunTime"), Option.apply((Object) 5L),
        Option.empty(), true, false, Option.empty());
    Tuple4<Object, Object, Object, scala.collection.immutable.Seq<AccumulableInfo>> task = new Tuple4<>(7L, 3, 0,
        scala.jdk.javaapi.CollectionConverters.asScala(List.of(u, a, other)).toList());
    return new SparkListenerExecutorMetricsUpdate("1", scala.jdk.javaapi.CollectionConverters.asScala(List.of(task)).toList(),
        scala.collection.immutable.Map$.MODULE$.empty());
  }

  @Test
  void printsOnceForEachNewerUpdate() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DriverProgressListener l = new DriverProgressListener(new PrintStream(bytes, true, StandardCharsets.UTF_8), 200);
    l.onExecutorMetricsUpdate(heartbeat(10, 640));
    l.onExecutorMetricsUpdate(heartbeat(10, 640)); // same update again: no line
    l.onExecutorMetricsUpdate(heartbeat(20, 1280));
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(2, text.lines().count(), text);
    assertTrue(text.contains("update 20/200 | 1280 audio-s"), text);
    assertEquals(20, l.shown());
  }
}
