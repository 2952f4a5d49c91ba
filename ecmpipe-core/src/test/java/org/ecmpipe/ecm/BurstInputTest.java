package org.ecmpipe.ecm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.ecmpipe.testing.EcmChildren;
import org.ecmpipe.testing.PlantedNumbers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Reading a child's output in bursts, on real pipes: real ecm (which flushes every fragment of a line), and {@code sh}
 * where a test needs output at chosen moments. Counts are of reads that reached the pipe.
 */
class BurstInputTest {

    @RegisterExtension
    final EcmChildren ecm = new EcmChildren();

    /** Counts the reads that reach the pipe under a {@link BurstInput}. */
    private static final class CountingPipe extends FilterInputStream {
        final AtomicInteger reads = new AtomicInteger();
        final AtomicInteger availables = new AtomicInteger();

        CountingPipe(InputStream in) {
            super(in);
        }

        @Override
        public int available() throws IOException {
            availables.incrementAndGet();
            return in.available();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            reads.incrementAndGet();
            return in.read(b, off, len);
        }
    }

    private Process start(String... command) throws IOException {
        return ecm.children().start(new ProcessBuilder(command));
    }

    private static List<String> lines(BufferedReader reader) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line; (line = reader.readLine()) != null; ) {
            out.add(line);
        }
        return out;
    }

    /** A child's stdout, pausing ten minutes after data: only the child's exit or an interrupt cuts a pause short. */
    private static BurstInput tenMinutePauses(InputStream stdout) {
        return new BurstInput(stdout, TimeUnit.MINUTES.toMillis(10));
    }

    private static BufferedReader lineReader(InputStream in) {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
    }

    /** Tells {@code burst} of {@code p}'s exit {@code afterMillis} after it, as CompletedProcess does, from a thread. */
    private static Thread onExit(Process p, BurstInput burst, long afterMillis) {
        return Thread.ofPlatform().start(() -> {
            try {
                p.waitFor();
                Thread.sleep(afterMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            burst.childExited();
        });
    }

    /** The lines without ecm's timings (which differ from run to run of the same curves). */
    private static List<String> untimed(List<String> lines) {
        return lines.stream().map(l -> l.replaceAll("took \\d+ms", "took ?ms")).toList();
    }

    @Test
    void ecmsFlushedFragmentsComeInFewerReadsAndTheSameLines() throws Exception {
        // 20 curves of stage 1: each "Using B1=..., B2=..., polynomial ..., sigma=..." line is 6 writes (ecm's
        // outputf flushes each fragment), so a plain reader wakes up for most of them
        String n = PlantedNumbers.planted(31, 30, 30).n().toString();
        List<String> command = List.of(org.ecmpipe.testing.RealEcm.path().toString(), "-param", "1", "-sigma", "1:7", "-c", "20",
                "20000", "0");
        Process plain = start(command.toArray(String[]::new));
        plain.getOutputStream().write((n + "\n").getBytes(StandardCharsets.US_ASCII));
        plain.getOutputStream().close();
        CountingPipe plainPipe = new CountingPipe(plain.getInputStream());
        List<String> plainLines = lines(lineReader(plainPipe));

        Process paced = start(command.toArray(String[]::new));
        paced.getOutputStream().write((n + "\n").getBytes(StandardCharsets.US_ASCII));
        paced.getOutputStream().close();
        CountingPipe pacedPipe = new CountingPipe(paced.getInputStream());
        // a pause longer than the whole run, ended by ecm's exit (as CompletedProcess does): the first read blocks
        // until the banner comes, the next finds everything else once ecm has exited, the last the end (a few more
        // when the decoder above finds bytes ready and reads on at once; a plain reader takes 40 to 90 here)
        BurstInput burst = tenMinutePauses(pacedPipe);
        Thread exit = onExit(paced, burst, 0);
        List<String> pacedLines = lines(lineReader(burst));
        exit.join();

        assertThat(untimed(pacedLines)).isEqualTo(untimed(plainLines)).anyMatch(l -> l.startsWith("Using B1=20000, B2=0"));
        assertThat(pacedLines.stream().filter(l -> l.startsWith("Step 1 took"))).hasSize(20);
        assertThat(pacedPipe.reads.get()).as("reads of the paced pipe (plain: %d)", plainPipe.reads.get()).isLessThanOrEqualTo(10);
    }

    @Test
    void theLineReaderAboveNeverAsksThePipeWhatIsReady() throws Exception {
        // an InputStreamReader asks available() after every read (a system call on a pipe) to decide whether to read
        // on; BurstInput answers 0 itself, and the next read finds the rest
        Process p = start("sh", "-c", "i=0; while [ $i -lt 300 ]; do echo line $i; i=$((i+1)); done; sleep 0.2; echo last");
        CountingPipe pipe = new CountingPipe(p.getInputStream());
        BurstInput burst = new BurstInput(pipe, 0);
        List<String> lines = lines(lineReader(burst));

        assertThat(lines).hasSize(301).startsWith("line 0").endsWith("last");
        assertThat(burst.available()).isZero();
        assertThat(pipe.availables).as("available() calls that reached the pipe").hasValue(0);
    }

    @Test
    void fragmentsWrittenWithinThePauseComeInOneRead() throws Exception {
        // the first fragment half a second after the start: the pause after it (at most 1 s, cut to the time sh would
        // take to write 8 KiB at 6 bytes in the half second) is then surely longer than the 0.1 s the rest takes
        Process p = start("sh", "-c", "sleep 0.5; printf 'Using '; sleep 0.05; printf 'B1=1, '; sleep 0.05; printf 'sigma=3:5\\n'");
        CountingPipe pipe = new CountingPipe(p.getInputStream());
        BufferedReader reader = lineReader(new BurstInput(pipe, 1000));
        assertThat(reader.readLine()).isEqualTo("Using B1=1, sigma=3:5");
        // the first read blocks until "Using " comes; the second, a second later, finds the rest of the line (one
        // read if this thread came more than 0.6 s late; read for read it would be 3)
        assertThat(pipe.reads.get()).isBetween(1, 2);
    }

    @Test
    void withNothingComingAReadBlocksWithoutPausing() throws Exception {
        Process p = start("sh", "-c", "printf 'a\\n'; sleep 0.3; printf 'b\\n'");
        CountingPipe pipe = new CountingPipe(p.getInputStream());
        BurstInput burst = new BurstInput(pipe, 0);
        BufferedReader reader = lineReader(burst);
        assertThat(reader.readLine()).isEqualTo("a");
        burst.pauseBeforeNextRead(60_000);
        burst.readAtOnce(); // taken back: the next read blocks on the pipe at once, with no minute's pause
        long start = System.nanoTime();
        assertThat(reader.readLine()).isEqualTo("b");
        assertThat(reader.readLine()).isNull();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
        assertThat(pipe.reads.get()).isBetween(2, 3); // "a", "b", end of stream ("a" and "b" together if this thread was late)
    }

    @Test
    void aFastWriterIsNotHeldUpByAFullPipe() throws Exception {
        // 1 MB at once: at a fixed ten-minute pause after data the child would block on the full pipe (64 KiB) for
        // ten minutes; the pause is cut to the time the child takes to write an eighth of a pipe at the rate seen
        Process p = start("sh", "-c", "head -c 1000000 /dev/zero");
        BurstInput burst = tenMinutePauses(p.getInputStream());
        long[] total = new long[1];
        Thread reader = Thread.ofPlatform().start(() -> {
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = burst.read(buffer, 0, buffer.length)) >= 0; ) {
                    total[0] += n;
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the writer finished within a minute").isTrue();
        burst.childExited();
        reader.join(Duration.ofSeconds(60));
        assertThat(reader.isAlive()).isFalse();
        assertThat(total[0]).isEqualTo(1_000_000);
    }

    @Test
    void theChildsExitEndsAPauseAtOnce() throws Exception {
        Process p = start("sh", "-c", "printf 'last line\\n'");
        BurstInput burst = tenMinutePauses(p.getInputStream());
        BufferedReader reader = lineReader(burst);
        assertThat(reader.readLine()).isEqualTo("last line");
        Thread exit = onExit(p, burst, 200); // the reader is in its ten-minute pause by then (or about to take it)
        long start = System.nanoTime();
        assertThat(reader.readLine()).isNull();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMinutes(1));
        exit.join();
    }

    @Test
    void anInterruptedReaderDoesNotPause() throws Exception {
        Process p = start("sh", "-c", "printf 'a\\n'; sleep 0.2; printf 'b\\n'");
        BufferedReader reader = lineReader(tenMinutePauses(p.getInputStream()));
        assertThat(reader.readLine()).isEqualTo("a");
        Thread.currentThread().interrupt();
        try {
            long start = System.nanoTime();
            assertThat(reader.readLine()).isEqualTo("b");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMinutes(1));
            assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is kept for the caller").isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void completedProcessHearsEveryLineAndItsExitIsNotDelayedByThePause() {
        String n = PlantedNumbers.planted(31, 30, 30).n().toString();
        List<String> heard = java.util.Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        CompletedProcess run = CompletedProcess.run(ecm.children(), List.of(org.ecmpipe.testing.RealEcm.path().toString(),
                "-param", "1", "-sigma", "1:7", "-c", "3", "3000", "0"), n + "\n", Duration.ofMinutes(2), Duration.ofMinutes(10),
                heard::add);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("a ten-minute pause ended by ecm's exit").isLessThan(Duration.ofMinutes(2));
        assertThat(run.exitCode()).isZero();
        assertThat(run.stdout()).isEqualTo(heard);
        assertThat(run.stdout().stream().filter(l -> l.startsWith("Step 1 took"))).hasSize(3);
    }
}
