package io.guildhall.runtime.plugin;

import io.guildhall.runtime.config.Config;
import io.guildhall.runtime.module.Hooks;
import io.guildhall.runtime.module.ModuleSetup;
import io.guildhall.runtime.module.Rpcs;
import io.guildhall.spi.analytics.AnalyticsClient;
import io.guildhall.spi.module.Accounts;
import io.guildhall.spi.module.ModuleContext;
import io.guildhall.spi.module.ServerModule;
import io.guildhall.spi.IdentityProvider;
import io.guildhall.spi.IdentitySlot;
import io.guildhall.spi.Crypto;
import io.guildhall.spi.KeySets;
import io.guildhall.spi.OutboundHttp;
import io.guildhall.spi.PluginConfig;
import io.guildhall.spi.ProviderContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
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

    /** Calls of a provider that may block, at most this many at once unless its section says otherwise. */
    static final int DEFAULT_MAX_IN_FLIGHT = 64;
    private static final Pattern MODULE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /** What every plugin shares: the outbound HTTP client, the key-set cache, the clock, the accounts API. */
    public record Services(OutboundHttp http, KeySets keySets, Clock clock, Crypto crypto, Accounts accounts, AnalyticsClient analytics) {
    }

    private final Map<String, IdentityProvider> providers = new LinkedHashMap<>();
    private final Map<String, String> origins = new LinkedHashMap<>();
    private final Map<String, ProviderCalls> calls = new LinkedHashMap<>();
    private final List<ServerModule> modules = new ArrayList<>();
    private final Map<ServerModule, String> moduleOrigins = new LinkedHashMap<>();
    /** Providers and modules that started, in order, to be closed in reverse. */
    private final List<Runnable> closers = new ArrayList<>();
    private final List<URLClassLoader> loaders = new ArrayList<>();
    private final Hooks hooks = new Hooks();
    private final Rpcs rpcs = new Rpcs();

    private PluginHost() {
    }

    public static PluginHost load(Config config, Path pluginsDir, Services services) {
        PluginHost host = new PluginHost();
        try {
            host.loadFrom(PluginHost.class.getClassLoader(), "classpath", true);
            for (Path jar : jars(pluginsDir)) {
                URLClassLoader loader = classLoader(jar);
                host.loaders.add(loader);
                host.loadFrom(loader, jar.toString(), false);
            }
            host.startModules(config, services);
            host.initialise(config, services);
        } catch (RuntimeException e) {
            host.close();
            throw e;
        }
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

    private static URLClassLoader classLoader(Path jar) {
        try {
            return new PluginClassLoader(jar, PluginHost.class.getClassLoader());
        } catch (IOException e) {
            throw new PluginException("Bad plugin path " + jar, e);
        }
    }

    private void loadFrom(ClassLoader loader, String origin, boolean includeParents) {
        try {
            for (ServiceLoader.Provider<IdentityProvider> candidate : ServiceLoader.load(IdentityProvider.class, loader).stream().toList()) {
                // A jar's loader could see services of its parents; take only the jar's own.
                if (includeParents || candidate.type().getClassLoader() == loader) {
                    register(candidate.get(), origin);
                }
            }
            for (ServiceLoader.Provider<ServerModule> candidate : ServiceLoader.load(ServerModule.class, loader).stream().toList()) {
                if (includeParents || candidate.type().getClassLoader() == loader) {
                    addModule(candidate.get(), origin);
                }
            }
        } catch (ServiceConfigurationError | LinkageError e) {
            throw new PluginException("Plugin " + origin + " failed to load: " + describe(e), e);
        }
    }

    /** The root cause's message, naming the class a jar needs but cannot see. */
    private static String describe(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String what = cause instanceof NoClassDefFoundError || cause instanceof ClassNotFoundException
                ? "needs class " + cause.getMessage().replace('/', '.') + ", which plugins cannot see (a plugin sees only the SPI, SLF4J, "
                + "the JDK and its own jar)"
                : cause.getMessage();
        return cause == error ? what : error.getMessage() + ": " + what;
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

    private void addModule(ServerModule module, String origin) {
        String name = module.name();
        if (name == null || !MODULE_NAME.matcher(name).matches()) {
            throw new PluginException("Plugin " + origin + ": server module " + module.getClass().getName()
                    + " has name '" + name + "'; names are 1-64 letters, digits, '-' or '_'");
        }
        for (ServerModule other : modules) {
            if (other.name().equals(name)) {
                throw new PluginException("Plugin " + origin + ": server module '" + name + "' is already provided by "
                        + moduleOrigins.get(other));
            }
        }
        modules.add(module);
        moduleOrigins.put(module, origin);
    }

    /** Calls each module's entry point; what it registers is checked as it comes. */
    private void startModules(Config config, Services services) {
        for (ServerModule module : modules) {
            String origin = moduleOrigins.get(module);
            ModuleContext context = new PluginContext(config.section(module.configSection()),
                    LoggerFactory.getLogger("module." + module.name()), services);
            ModuleSetup setup = new ModuleSetup(module.name(), origin, hooks, rpcs, provider -> register(provider, origin));
            try {
                module.initModule(context, setup);
            } catch (PluginException e) {
                throw e;
            } catch (Exception | LinkageError e) {
                throw new PluginException("Plugin " + origin + ": server module '" + module.name() + "' failed to start: "
                        + describe(e), e);
            } finally {
                setup.seal();
            }
            closers.add(() -> module.close());
            LOG.info("Server module '{}' from {}: {} RPCs and hooks registered", module.name(), origin, setup.registrations());
        }
    }

    private void initialise(Config config, Services services) {
        for (IdentityProvider provider : providers.values()) {
            PluginConfig section = config.section(provider.configSection());
            ProviderContext context = new PluginContext(section, LoggerFactory.getLogger("provider." + provider.id()), services);
            try {
                provider.init(context);
            } catch (Exception | LinkageError e) {
                throw new PluginException("Plugin " + origins.get(provider.id()) + ": identity provider '" + provider.id()
                        + "' failed to start: " + describe(e), e);
            }
            closers.add(provider::close);
            if (provider.mayBlock()) {
                long bound = section.number("max_in_flight", DEFAULT_MAX_IN_FLIGHT);
                if (bound < 1 || bound > 10_000) {
                    throw new PluginException(provider.configSection() + ".max_in_flight must be between 1 and 10000, got " + bound);
                }
                calls.put(provider.id(), new ProviderCalls(provider, (int) bound));
            }
            String problem = provider.configurationProblem();
            if (problem == null) {
                LOG.info("Identity provider '{}' from {}: active", provider.id(), origins.get(provider.id()));
            } else {
                LOG.info("Identity provider '{}' from {}: not fully configured ({})",
                        provider.id(), origins.get(provider.id()), problem);
            }
        }
    }

    /** The hooks modules registered. */
    public Hooks hooks() {
        return hooks;
    }

    /** The RPC functions modules registered. */
    public Rpcs rpcs() {
        return rpcs;
    }

    /** The bounded threads on which a provider that may block is called; null for one that never blocks. */
    public ProviderCalls calls(IdentityProvider provider) {
        return calls.get(provider.id());
    }

    /** The provider whose identities fill this slot of the account, or null (the first loaded wins). */
    public IdentityProvider providerFor(IdentitySlot slot) {
        for (IdentityProvider provider : providers.values()) {
            if (provider.slot() == slot) {
                return provider;
            }
        }
        return null;
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
        List<String> sections = new ArrayList<>(providers.values().stream().map(IdentityProvider::configSection).toList());
        modules.forEach(module -> sections.add(module.configSection()));
        return sections.stream().distinct().toList();
    }

    public void close() {
        calls.values().forEach(ProviderCalls::close);
        for (int i = closers.size() - 1; i >= 0; i--) {
            try {
                closers.get(i).run();
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("A plugin failed to close: {}", e.toString());
            }
        }
        closers.clear();
        for (URLClassLoader loader : loaders) {
            try {
                loader.close();
            } catch (IOException e) {
                LOG.warn("Cannot close plugin class loader: {}", e.getMessage());
            }
        }
    }
}
