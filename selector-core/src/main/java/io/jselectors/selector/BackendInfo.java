package io.jselectors.selector;

/**
 * What {@link Selector#available()} reports of one installed backend.
 *
 * @param name the backend's name
 * @param priority higher is preferred by {@link Selector#open()}
 * @param available whether it works on this machine
 * @param reason why it does not ({@code null} when available)
 */
public record BackendInfo(String name, int priority, boolean available, String reason) {

    @Override
    public String toString() {
        return available ? name + " (available)" : name + " (unavailable: " + reason + ")";
    }
}
