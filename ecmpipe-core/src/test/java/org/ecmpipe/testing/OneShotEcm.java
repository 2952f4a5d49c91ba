package org.ecmpipe.testing;

import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.ecmpipe.ecm.ChildProcesses;
import org.ecmpipe.ecm.EcmBinary;
import org.ecmpipe.ecm.EcmLine;
import org.ecmpipe.ecm.EcmOutputParser;
import org.ecmpipe.ecm.CompletedProcess;
import org.ecmpipe.ecm.Sigma;

/** The reference to compare against: one plain {@code ecm -sigma P:S B1 B2} run, stage 1 and 2 in one process. */
public final class OneShotEcm {
    private OneShotEcm() {
    }

    /** The factors one curve finds, as ecm reports them. */
    public static Set<BigInteger> factors(EcmBinary ecm, ChildProcesses children, BigInteger n, Sigma sigma, long b1,
                                          BigInteger b2) {
        List<String> command = b2 == null
                ? List.of(ecm.path().toString(), "-sigma", sigma.toString(), Long.toString(b1))
                : List.of(ecm.path().toString(), "-sigma", sigma.toString(), Long.toString(b1), b2.toString());
        CompletedProcess run = CompletedProcess.run(children, command, n + "\n", Duration.ofMinutes(2), line -> { });
        if ((run.exitCode() & 1) != 0) {
            throw new IllegalStateException("one-shot ecm failed: " + run.exitCode() + " " + run.stderrTail());
        }
        EcmOutputParser parser = new EcmOutputParser();
        Set<BigInteger> found = new TreeSet<>();
        for (String line : run.stdout()) {
            if (parser.parse(line) instanceof EcmLine.FactorFound f) {
                found.add(f.factor());
            }
        }
        return found;
    }
}
