package io.jselectors.selector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backend lookup. The {@link TestProviders} are installed in a class loader of their own (selector
 * classes, test providers and a services file listing them), because the provider list is loaded
 * once per class loader and must not leak into other tests.
 */
class ProvidersTest {

    @TempDir
    Path servicesDir;

    private URLClassLoader loader;
    private String savedProperty;

    @BeforeEach
    void isolate() throws IOException {
        Path services = servicesDir.resolve("META-INF/services/" + SelectorProvider.class.getName());
        Files.createDirectories(services.getParent());
        Files.writeString(services, String.join("\n",
                TestProviders.Low.class.getName(),
                TestProviders.High.class.getName(),
                TestProviders.Unavailable.class.getName(),
                TestProviders.Broken.class.getName()) + "\n");
        loader = new URLClassLoader(new URL[] {
            servicesDir.toUri().toURL(),
            Selector.class.getProtectionDomain().getCodeSource().getLocation(),
            TestProviders.class.getProtectionDomain().getCodeSource().getLocation(),
        }, ClassLoader.getPlatformClassLoader());
        savedProperty = System.getProperty(Providers.PROPERTY);
        System.clearProperty(Providers.PROPERTY);
    }

    @AfterEach
    void restore() throws IOException {
        if (savedProperty == null) {
            System.clearProperty(Providers.PROPERTY);
        } else {
            System.setProperty(Providers.PROPERTY, savedProperty);
        }
        loader.close();
    }

    /** Calls a static method of the isolated Selector; rethrows what it threw. */
    private Object isolated(String method, Class<?>[] types, Object... args) throws Throwable {
        Method m = Class.forName(Selector.class.getName(), true, loader).getMethod(method, types);
        try {
            return m.invoke(null, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private String openDefaultName() throws Throwable {
        try (AutoCloseable s = (AutoCloseable) isolated("open", new Class<?>[0])) {
            return (String) s.getClass().getMethod("name").invoke(s);
        }
    }

    private Object openNamed(String name) throws Throwable {
        Class<?> optionArray = Class.forName("[L" + SelectorOption.class.getName() + ";", true, loader);
        Object noOptions = java.lang.reflect.Array.newInstance(optionArray.getComponentType(), 0);
        return isolated("open", new Class<?>[] {String.class, optionArray}, name, noOptions);
    }

    @Test
    void availableListsBackendsBestFirstWithReasons() throws Throwable {
        List<?> infos = (List<?>) isolated("available", new Class<?>[0]);
        List<String> shown = infos.stream().map(Object::toString).toList();
        List<String> names = shown.stream().map(s -> s.substring(0, s.indexOf(' '))).toList();
        assertThat(names).startsWith("test-unavailable", "test-broken", "test-high").endsWith("test-low").contains("nio");
        assertThat(shown.getFirst()).contains("unavailable: needs the test kernel");
        assertThat(shown.get(1)).contains("probe failed").contains("probe exploded");
        assertThat(names.indexOf("nio")).isLessThan(names.indexOf("test-low"));
    }

    @Test
    void openTakesTheBestAvailableBackend() throws Throwable {
        assertEquals("test-high", openDefaultName());
    }

    @Test
    void unknownNameListsWhatIsInstalled() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> openNamed("nope"));
        assertThat(e.getMessage()).contains("no selector backend named 'nope'").contains("test-high", "nio");
    }

    @Test
    void unavailableBackendSaysWhy() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> openNamed("test-unavailable"));
        assertThat(e.getMessage()).contains("not available here").contains("needs the test kernel");
    }

    @Test
    void unsupportedOptionIsRefused() throws Throwable {
        Class<?> optionType = Class.forName(SelectorOption.class.getName(), true, loader);
        Object edge = optionType.getField("EDGE_TRIGGERED").get(null);
        Object options = java.lang.reflect.Array.newInstance(optionType, 1);
        java.lang.reflect.Array.set(options, 0, edge);
        Class<?>[] types = {String.class, options.getClass()};
        assertThrows(UnsupportedOperationException.class, () -> isolated("open", types, "test-low", options));
        ((AutoCloseable) isolated("open", types, "test-high", options)).close();
    }

    @Test
    void propertyOverridesTheDefault() throws Throwable {
        System.setProperty(Providers.PROPERTY, " test-low ");
        assertEquals("test-low", openDefaultName());
        System.setProperty(Providers.PROPERTY, "test-unavailable");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, this::openDefaultName);
        assertThat(e.getMessage()).contains("needs the test kernel");
        System.setProperty(Providers.PROPERTY, "  ");
        assertEquals("test-high", openDefaultName(), "a blank property is no choice");
    }

    @Test
    void realProvidersIncludeNioAndOpenIt() throws IOException {
        assertThat(Selector.available()).anySatisfy(b -> {
            assertEquals("nio", b.name());
            assertEquals(SelectorProvider.PRIORITY_NIO, b.priority());
            assertThat(b.available()).isTrue();
        });
        try (Selector s = Selector.open("nio")) {
            assertEquals("nio", s.name());
        }
    }
}
