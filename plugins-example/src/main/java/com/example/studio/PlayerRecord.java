package com.example.studio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;

/**
 * What the match module keeps in a player's account metadata: matches played, wins and the last
 * match counted (so a report retried after a timeout is not counted twice). Other metadata keys
 * are left as they are.
 */
final class PlayerRecord {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PlayerRecord() {
    }

    /** The metadata after counting the match, or null when this match was already counted. */
    static String count(String metadata, String matchId, boolean won) {
        ObjectNode node;
        try {
            JsonNode parsed = JSON.readTree(metadata == null || metadata.isEmpty() ? "{}" : metadata);
            node = parsed instanceof ObjectNode object ? object : JSON.createObjectNode();
        } catch (IOException e) {
            node = JSON.createObjectNode();
        }
        if (matchId.equals(node.path("last_match").asText(null))) {
            return null;
        }
        node.put("matches", node.path("matches").asLong(0) + 1);
        node.put("wins", node.path("wins").asLong(0) + (won ? 1 : 0));
        node.put("last_match", matchId);
        return node.toString();
    }
}
