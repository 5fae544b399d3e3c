package io.guildhall.runtime.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the {@link Config} from command-line arguments, the environment and the YAML file. */
public final class ConfigLoader {
    /** Used when no {@code --config} is given and the file exists. */
    public static final Path DEFAULT_FILE = Path.of("conf", "guildhall.yml");

    private ConfigLoader() {
    }

    public static Config load(String[] args, Map<String, String> environment) {
        Map<String, String> flags = new LinkedHashMap<>();
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new ConfigException("Unexpected argument '" + arg + "'; flags look like --section.key=value");
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                value = args[++i];
            } else {
                throw new ConfigException("Flag --" + name + " needs a value");
            }
            if (name.equals("config")) {
                file = Path.of(value);
            } else {
                flags.put(name, value);
            }
        }
        Map<String, String> fromFile = Map.of();
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new ConfigException("Config file " + file + " does not exist");
            }
            fromFile = readYaml(file);
        } else if (Files.isRegularFile(DEFAULT_FILE)) {
            fromFile = readYaml(DEFAULT_FILE);
        }
        return new Config(flags, environment, fromFile);
    }

    static Map<String, String> readYaml(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            throw new ConfigException("Cannot read config file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> flat = new HashMap<>();
        if (root != null && !root.isMissingNode() && !root.isNull()) {
            if (!root.isObject()) {
                throw new ConfigException("Config file " + file + " must hold a mapping of sections");
            }
            flatten("", root, flat);
        }
        return flat;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                flatten(prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(), field.getValue(), out);
            }
        } else if (node.isArray() && node.size() > 0 && node.get(0).isObject()) {
            // A list of objects stays one value (JSON text); Config.objects reads it.
            out.put(prefix, node.toString());
        } else if (node.isArray()) {
            List<String> items = new ArrayList<>();
            node.forEach(item -> items.add(item.asText()));
            out.put(prefix, String.join(",", items));
        } else if (!node.isNull()) {
            out.put(prefix, node.asText());
        }
    }
}
