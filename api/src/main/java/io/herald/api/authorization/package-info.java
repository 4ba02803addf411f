/** The administration API of the built-in delegation store: parties' grants of read access to others. */
package io.herald.api.authorization;
