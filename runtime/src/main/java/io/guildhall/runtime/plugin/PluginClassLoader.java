package io.guildhall.runtime.plugin;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * The class loader of one plugin jar. Its parent shows the jar only the SPI, SLF4J and the JDK, never
 * the runtime's own classes or libraries, so a plugin cannot come to depend on runtime internals
 * (it fails at start-up instead, naming the class). Libraries the jar needs come with it.
 */
final class PluginClassLoader extends URLClassLoader {
    private static final List<String> SHARED_PACKAGES = List.of("io.guildhall.spi.", "org.slf4j.");

    PluginClassLoader(Path jar, ClassLoader runtime) throws IOException {
        super(new URL[]{jar.toUri().toURL()}, new SharedOnly(runtime));
    }

    /** Delegates the shared packages to the runtime's loader and everything else to the JDK's. */
    private static final class SharedOnly extends ClassLoader {
        private final ClassLoader runtime;

        SharedOnly(ClassLoader runtime) {
            super(ClassLoader.getPlatformClassLoader());
            this.runtime = runtime;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            for (String shared : SHARED_PACKAGES) {
                if (name.startsWith(shared)) {
                    return runtime.loadClass(name);
                }
            }
            return super.loadClass(name, resolve);
        }

        // The runtime's resources (service files, logback.xml) stay invisible to the plugin.
        @Override
        public URL getResource(String name) {
            return null;
        }

        @Override
        public Enumeration<URL> getResources(String name) {
            return Collections.emptyEnumeration();
        }
    }
}
