package io.guildhall.runtime.plugin;

import io.guildhall.runtime.config.Config;
import io.guildhall.spi.IdentityProvider;
import io.guildhall.spi.ProviderContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds plugins with {@link ServiceLoader}: the built-in ones on the classpath, then each jar in
 * the plugins folder in a class loader of its own. A plugin that fails to load or initialise stops
 * start-up with a message naming its jar; nothing is half-loaded.
 */
public final class PluginHost {
    private static final Logger LOG = LoggerFactory.getLogger(PluginHost.class);
    private static final Pattern PROVIDER_ID = Pattern.compile("[a-z0-9]{1,64}");

    private final Map<String, IdentityProvider> providers = new LinkedHashMap<>();
    private final Map<String, String> origins = new LinkedHashMap<>();
    private final List<URLClassLoader> loaders = new ArrayList<>();

    private PluginHost() {
    }

    public static PluginHost load(Config config, Path pluginsDir) {
        PluginHost host = new PluginHost();
        host.loadFrom(PluginHost.class.getClassLoader(), "classpath", true);
        for (Path jar : jars(pluginsDir)) {
            URLClassLoader loader = new URLClassLoader(new URL[]{url(jar)}, PluginHost.class.getClassLoader());
            host.loaders.add(loader);
            host.loadFrom(loader, jar.toString(), false);
        }
        host.initialise(config);
        return host;
    }

    private static List<Path> jars(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new PluginException("Cannot list plugins folder " + dir + ": " + e.getMessage(), e);
        }
    }

    private static URL url(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new PluginException("Bad plugin path " + jar, e);
        }
    }

    private void loadFrom(ClassLoader loader, String origin, boolean includeParents) {
        try {
            for (ServiceLoader.Provider<IdentityProvider> candidate : ServiceLoader.load(IdentityProvider.class, loader).stream().toList()) {
                // A jar's loader also sees the classpath's services; take only the jar's own.
                if (!includeParents && candidate.type().getClassLoader() != loader) {
                    continue;
                }
                register(candidate.get(), origin);
            }
        } catch (ServiceConfigurationError | LinkageError e) {
            throw new PluginException("Plugin " + origin + " failed to load: " + e.getMessage(), e);
        }
    }

    private void register(IdentityProvider provider, String origin) {
        String id = provider.id();
        if (id == null || !PROVIDER_ID.matcher(id).matches()) {
            throw new PluginException("Plugin " + origin + ": identity provider " + provider.getClass().getName()
                    + " has id '" + id + "'; ids are 1-64 lower-case letters and digits");
        }
        if (providers.containsKey(id)) {
            throw new PluginException("Plugin " + origin + ": identity provider '" + id + "' is already provided by "
                    + origins.get(id));
        }
        providers.put(id, provider);
        origins.put(id, origin);
    }

    private void initialise(Config config) {
        for (IdentityProvider provider : providers.values()) {
            ProviderContext context = () -> config.section(provider.configSection());
            try {
                provider.init(context);
            } catch (Exception | LinkageError e) {
                throw new PluginException("Plugin " + origins.get(provider.id()) + ": identity provider '" + provider.id()
                        + "' failed to start: " + e.getMessage(), e);
            }
            LOG.info("Identity provider '{}' from {}", provider.id(), origins.get(provider.id()));
        }
    }

    /** The provider with this id, or null. */
    public IdentityProvider provider(String id) {
        return id == null ? null : providers.get(id);
    }

    public Collection<IdentityProvider> providers() {
        return Collections.unmodifiableCollection(providers.values());
    }

    /** Config sections owned by plugins, so their keys are not reported as unknown. */
    public List<String> configSections() {
        return providers.values().stream().map(IdentityProvider::configSection).distinct().toList();
    }

    public void close() {
        for (URLClassLoader loader : loaders) {
            try {
                loader.close();
            } catch (IOException e) {
                LOG.warn("Cannot close plugin class loader: {}", e.getMessage());
            }
        }
    }
}
