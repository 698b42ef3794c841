package io.tributary.operator.api;

import io.tributary.pipeline.DeadLetterSpec;
import io.tributary.pipeline.EventsSpec;
import io.tributary.pipeline.SchemaSpec;
import io.tributary.pipeline.SinkSpec;
import io.tributary.pipeline.SourceSpec;
import io.tributary.pipeline.TransformSpec;
import java.util.List;

/** What both pipeline kinds' specs say about the data path, placement, residency and events. */
public interface PipelineSpec {
  SourceSpec source();

  List<TransformSpec> transforms();

  SinkSpec sink();

  SchemaSpec schema();

  DeadLetterSpec deadLetter();

  ComputeSpec compute();

  ResidencySpec residency();

  /** Where the pipeline's CloudEvents go, or null for none. */
  EventsSpec events();
}
