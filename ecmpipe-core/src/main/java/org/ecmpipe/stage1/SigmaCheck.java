package org.ecmpipe.stage1;

import java.math.BigInteger;
import java.time.Duration;
import org.ecmpipe.ecm.ChildProcesses;
import org.ecmpipe.ecm.EcmBinary;
import org.ecmpipe.ecm.EcmCommand;
import org.ecmpipe.ecm.EcmLine;
import org.ecmpipe.ecm.EcmOutputParser;
import org.ecmpipe.ecm.CompletedProcess;
import org.ecmpipe.ecm.Sigma;

/**
 * Checks that a GPU-reported sigma really finds its factor: one CPU curve {@code ecm -param 3 -sigma 3:S B1 0} on the
 * number (the CPU computes the same param-3 curve as the GPU) must find, in stage 1, a factor that the reported
 * factor divides. Costs one CPU stage-1 curve per factor.
 */
final class SigmaCheck {
    private final EcmBinary ecm;
    private final ChildProcesses children;
    private final EcmOutputParser parser = new EcmOutputParser();

    SigmaCheck(EcmBinary ecm, ChildProcesses children) {
        this.ecm = ecm;
        this.children = children;
    }

    /** @return null when the curve finds the factor, else what went wrong (for a warning) */
    String check(BigInteger n, long b1, Sigma sigma, BigInteger factor, Duration timeout) {
        CompletedProcess run = CompletedProcess.run(children, EcmCommand.cpuCurve(ecm, sigma, b1), n + "\n", timeout, l -> { });
        if (run.timedOut()) {
            return "the CPU check of sigma " + sigma + " ran past " + timeout.toSeconds() + " s";
        }
        boolean found = run.stdout().stream().map(parser::parse)
                .filter(EcmLine.FactorFound.class::isInstance).map(EcmLine.FactorFound.class::cast)
                .anyMatch(f -> f.step() == 1 && f.factor().signum() > 0 && f.factor().mod(factor).signum() == 0);
        if (found) {
            return null;
        }
        return "one CPU curve `" + String.join(" ", run.command().subList(1, run.command().size()))
                + "` (exit code " + run.exitCode() + ") does not find " + factor + " in stage 1";
    }
}
