package org.ecmpipe.submit;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import org.ecmpipe.config.EcmpipeConfig;

/** Where and as whom results are submitted: command line, then config file, then defaults. */
public record SubmitSettings(URI endpoint, String clientId) {

    public static final String DEFAULT_ENDPOINT = "http://localhost:8000/api/v1";

    /**
     * @param endpointOption {@code --api-endpoint}, or null
     * @throws IllegalArgumentException naming the bad endpoint
     */
    public static SubmitSettings of(String endpointOption, EcmpipeConfig config) {
        String endpoint = endpointOption != null ? endpointOption
                : config.api().endpoint() != null ? config.api().endpoint() : DEFAULT_ENDPOINT;
        URI uri;
        try {
            uri = URI.create(endpoint);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("API endpoint '" + endpoint + "' is not a URL: " + e.getMessage());
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException("API endpoint '" + endpoint + "' must be an http:// or https:// URL");
        }
        String user = config.client().username() != null ? config.client().username() : System.getProperty("user.name", "anonymous");
        String cpu = config.client().cpuName() != null ? config.client().cpuName() : hostname();
        return new SubmitSettings(uri, user + "-" + cpu);
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}
