package org.ecmpipe.pipeline;

import java.util.List;
import org.ecmpipe.ecm.FoundFactor;
import org.ecmpipe.result.CompositeResult;
import org.ecmpipe.stage1.Stage1Result;
import org.ecmpipe.stage2.CurveFailure;
import org.ecmpipe.stage2.Stage2Listener;
import org.ecmpipe.stage2.Stage2Progress;
import org.ecmpipe.stage2.Stage2Result;

/** Several listeners as one, called in order (put the journal first: it must be durable before logs say so). */
public final class PipelineListeners implements PipelineListener {
    private final List<PipelineListener> all;

    private PipelineListeners(List<PipelineListener> all) {
        this.all = List.copyOf(all);
    }

    public static PipelineListener of(PipelineListener... listeners) {
        return new PipelineListeners(List.of(listeners));
    }

    @Override
    public void stage1Started(String producer, PlannedNumber number) {
        all.forEach(l -> l.stage1Started(producer, number));
    }

    @Override
    public void stage1Finished(String producer, PlannedNumber number, Stage1Result result) {
        all.forEach(l -> l.stage1Finished(producer, number, result));
    }

    @Override
    public void stage1Reused(String producer, PlannedNumber number) {
        all.forEach(l -> l.stage1Reused(producer, number));
    }

    @Override
    public Stage2Listener stage2Listener(PlannedNumber number) {
        List<Stage2Listener> each = all.stream().map(l -> l.stage2Listener(number)).toList();
        return new Stage2Listener() {
            @Override
            public void progress(Stage2Progress p) {
                each.forEach(l -> l.progress(p));
            }

            @Override
            public void curveCompleted(Stage2Progress p) {
                each.forEach(l -> l.curveCompleted(p));
            }

            @Override
            public void factorFound(FoundFactor f) {
                each.forEach(l -> l.factorFound(f));
            }

            @Override
            public void curveFailed(CurveFailure failure) {
                each.forEach(l -> l.curveFailed(failure));
            }

            @Override
            public void ecmOutput(int worker, String line) {
                each.forEach(l -> l.ecmOutput(worker, line));
            }
        };
    }

    @Override
    public void stage2Started(PlannedNumber number, int curves) {
        all.forEach(l -> l.stage2Started(number, curves));
    }

    @Override
    public void stage2Finished(PlannedNumber number, Stage2Result result) {
        all.forEach(l -> l.stage2Finished(number, result));
    }

    @Override
    public void stage2Interrupted(PlannedNumber number, Stage2Result partial) {
        all.forEach(l -> l.stage2Interrupted(number, partial));
    }

    @Override
    public void numberFinished(PlannedNumber number, CompositeResult result) {
        all.forEach(l -> l.numberFinished(number, result));
    }
}
