package org.ecmpipe.submit;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/** Where and as whom results are submitted. */
public record SubmitSettings(URI endpoint, String clientId) {

    public static final String DEFAULT_ENDPOINT = "http://localhost:8000/api/v1";

    /**
     * @param endpoint the results server's API URL
     * @param username the client's user name, or null for the login name
     * @param cpuName the client's machine name, or null for the host name
     * @throws IllegalArgumentException naming the bad endpoint
     */
    public static SubmitSettings of(String endpoint, String username, String cpuName) {
        URI uri;
        try {
            uri = URI.create(endpoint);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("API endpoint '" + endpoint + "' is not a URL: " + e.getMessage());
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException("API endpoint '" + endpoint + "' must be an http:// or https:// URL");
        }
        String user = username != null ? username : System.getProperty("user.name", "anonymous");
        String cpu = cpuName != null ? cpuName : hostname();
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
