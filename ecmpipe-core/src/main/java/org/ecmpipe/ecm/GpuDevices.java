package org.ecmpipe.ecm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The {@code --gpu-device N[,N...]} / config {@code gpu.device} list. */
public final class GpuDevices {
    private GpuDevices() {
    }

    /**
     * @param text e.g. {@code 0} or {@code 0,1}; null or blank for ecm's default device
     * @return the devices in order; a single null element for ecm's default device
     * @throws IllegalArgumentException naming the bad or repeated entry
     */
    public static List<Integer> parse(String text) {
        if (text == null || text.isBlank()) {
            return Collections.singletonList(null);
        }
        List<Integer> devices = new ArrayList<>();
        for (String part : text.split(",")) {
            int d;
            try {
                d = Integer.parseInt(part.strip());
            } catch (NumberFormatException e) {
                d = -1;
            }
            if (d < 0) {
                throw new IllegalArgumentException("'" + part.strip() + "' is not a device number (write e.g. 0 or 0,1)");
            }
            if (devices.contains(d)) {
                throw new IllegalArgumentException("device " + d + " is listed twice");
            }
            devices.add(d);
        }
        return devices;
    }
}
