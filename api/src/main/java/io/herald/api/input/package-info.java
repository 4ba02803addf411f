/**
 * Malformed requests refused before any controller sees them: over-long or badly escaped query
 * strings, control characters in parameters, requests the security firewall rejects, and errors
 * Tomcat answers itself. Each gets a 4xx in Herald's problem-details shape and one log line.
 */
package io.herald.api.input;
