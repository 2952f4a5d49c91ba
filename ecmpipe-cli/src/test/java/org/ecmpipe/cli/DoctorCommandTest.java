package org.ecmpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.ecmpipe.testing.EcmChildren;
import org.ecmpipe.testing.GpuStandIn;
import org.ecmpipe.testing.RealEcm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code ecmpipe doctor} against the real (CPU-only) ecm and the GPU stand-in, and a real HTTP server on loopback. */
class DoctorCommandTest {
    @RegisterExtension
    final EcmChildren ecmChildren = new EcmChildren();
    private final Console console = new Console();

    @TempDir
    Path dir;

    @Test
    void cpuOnlyEcmIsEnoughForNoGpu() {
        int code = run("doctor", "--ecm", RealEcm.path().toString(), "--no-gpu", "--no-submit");
        assertThat(code).as(console.out + "\n" + console.err).isEqualTo(ExitCodes.OK);
        assertThat(console.out.toString()).contains("GMP-ECM 7.0.5", "not a GPU build", "stdbuf", "JDK", "not checked (--no-submit)",
                "PARAM=");
    }

    @Test
    void gpuChosenButNoGpuBuildIsMissing() {
        int code = run("doctor", "--ecm", RealEcm.path().toString(), "--no-submit");
        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(console.out.toString()).containsPattern("MISSING +GPU +not a GPU build");
    }

    @Test
    void gpuBuildBatchSizesAndAReachableResultsServer() throws Exception {
        Path standIn = GpuStandIn.install(dir, "7.0.6");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/health", exchange -> {
            byte[] body = "{\"status\":\"ok\",\"database\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String endpoint = "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1";
            int code = run("doctor", "--ecm", standIn.toString(), "--gpu-device", "0,1", "--api-endpoint", endpoint);
            assertThat(code).as(console.out + "\n" + console.err).isEqualTo(ExitCodes.OK);
            assertThat(console.out.toString()).contains("device 0: 64 curves", "device 1: 64 curves", "always (GMP-ECM 7.0.6",
                    "GET http://127.0.0.1:" + server.getAddress().getPort() + "/health: 200");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void a705CgbnBuildWithAHugeB1IsBadAndAMissingDeviceIsMissing() throws Exception {
        Path standIn = GpuStandIn.install(dir, "7.0.5");
        int code = run("doctor", "--ecm", standIn.toString(), "--b1", "2e9", "--gpu-device", "0,5", "--no-submit");
        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(console.out.toString()).contains("-cgbn is passed", "4a60b113", "7.0.6").containsPattern("MISSING +GPU batch .*device 5");
    }

    @Test
    void anUnreachableResultsServerIsAWarningOnly() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        int code = run("doctor", "--ecm", RealEcm.path().toString(), "--no-gpu", "--api-endpoint",
                "http://127.0.0.1:" + port + "/api/v1/");
        assertThat(code).isEqualTo(ExitCodes.OK);
        assertThat(console.out.toString()).containsPattern("warn +results +GET http://127.0.0.1:" + port + "/health: unreachable");
        assertThat(DoctorCommand.healthUri(URI.create("https://h.example/x/api/v1"))).isEqualTo(URI.create("https://h.example/x/health"));
    }

    private int run(String... args) {
        return console.run(args);
    }
}
