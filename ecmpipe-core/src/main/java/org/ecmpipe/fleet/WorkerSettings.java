package org.ecmpipe.fleet;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The validated settings of a fleet worker ({@code ecmpipe worker}).
 *
 * @param api the server's API base, e.g. {@code http://host:8000/api/v1/}
 * @param clientId who the worker is to the server (leases, claims and submissions are held under it)
 * @param gpuDevice the GPU of a GPU stage 1, or null for ecm's default device
 * @param gpuCurves curves per GPU batch for a GPU stage 1, or null: one batch of the leased curves
 * @param ecmPath the GMP-ECM executable, or null for {@code ecm} on PATH
 * @param project the project name put on submissions, or null
 * @param maxCurves the most curves asked for in one lease
 * @param poll how long to wait before asking again when the server has no work
 * @param idleWait with {@code untilIdle}: how long to wait, with nothing running anywhere in the fleet, for work
 *     that other roles may still make (residues for a stage-2 worker, freed curves for a stage-1 worker)
 */
public record WorkerSettings(URI api, String clientId, Role role, boolean gpu, Integer gpuDevice, Integer gpuCurves,
                             int stage2Workers, Path workDir, boolean untilIdle, Path ecmPath, String project,
                             int maxCurves, Duration poll, Duration idleWait, Duration stage1Timeout,
                             Duration curveTimeout) {

    public WorkerSettings {
        if (role == Role.STAGE2 && gpu) {
            gpu = false; // stage 2 always runs on the CPU
        }
        if (stage2Workers < 1 || maxCurves < 1) {
            throw new IllegalArgumentException("--stage2-workers and --max-curves must be at least 1");
        }
    }

    /**
     * The API base of a server URL: {@code http://host:8000} and {@code http://host:8000/api/v1} both give
     * {@code http://host:8000/api/v1/}.
     *
     * @throws IllegalArgumentException naming the bad URL
     */
    public static URI apiBase(String server) {
        URI uri;
        try {
            uri = URI.create(server.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--server '" + server + "' is not a URL: " + e.getMessage());
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException("--server '" + server + "' must be an http:// or https:// URL");
        }
        String text = uri.toString().replaceAll("/+$", "");
        if (!text.endsWith("/api/v1")) {
            text += "/api/v1";
        }
        return URI.create(text + "/");
    }
}
