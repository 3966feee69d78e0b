package io.jselectors.server.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The server's key manager: picks the certificate whose names cover the client's SNI host name,
 * among those whose key type the handshake can use; without SNI, or when none covers it, the first
 * configured one of that type. The set can be {@linkplain #replace replaced} at any time (a reload)
 * — a handshake in progress keeps the certificate it chose, since an alias names one loaded key
 * for as long as the manager lives with it or the set before.
 *
 * <p>Thread-safe: handshakes call it from the loops and from delegated-task threads.
 */
public final class SniKeyManager extends X509ExtendedKeyManager {

    /**
     * One set of keys; {@code names} holds each key's DNS names (same index as {@code keys}),
     * read from its certificate once here rather than per handshake.
     */
    private record Snapshot(List<CertifiedKey> keys, List<List<String>> names, Map<String, CertifiedKey> byAlias, Map<CertifiedKey, String> aliases) {}

    private volatile Snapshot current;
    /** The set before the last replace, so an alias chosen just before a reload still resolves. */
    private volatile Snapshot previous;
    private long generation;

    public SniKeyManager(List<CertifiedKey> keys) {
        replace(keys);
    }

    /** Serves {@code keys} from now on (at least one); open connections are not touched. */
    public synchronized void replace(List<CertifiedKey> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no certificate configured");
        }
        generation++;
        Map<String, CertifiedKey> byAlias = new HashMap<>();
        Map<CertifiedKey, String> aliases = new IdentityHashMap<>(); // one alias per loaded key, not per equal key
        List<List<String>> names = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            names.add(List.copyOf(keys.get(i).dnsNames()));
            String alias = "g" + generation + "-" + i;
            byAlias.put(alias, keys.get(i));
            aliases.put(keys.get(i), alias);
        }
        previous = current;
        current = new Snapshot(List.copyOf(keys), List.copyOf(names), byAlias, aliases);
    }

    /** The certificates served now, in configuration order. */
    public List<CertifiedKey> keys() {
        return current.keys();
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return choose(keyType, engine == null ? null : engine.getHandshakeSession());
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return choose(keyType, null);
    }

    private String choose(String keyType, SSLSession handshake) {
        Snapshot snap = current;
        String host = requestedHost(handshake);
        String h = host == null ? null : host.toLowerCase(Locale.ROOT);
        boolean someoneCovers = false;
        for (int i = 0; h != null && i < snap.keys().size() && !someoneCovers; i++) {
            someoneCovers = CertifiedKey.covers(snap.names().get(i), h);
        }
        for (int i = 0; i < snap.keys().size(); i++) {
            CertifiedKey key = snap.keys().get(i);
            // When some certificate covers the name, only those compete; the JDK then asks again
            // for the client's next acceptable key type if this type has none of them.
            if (usable(keyType, key) && (!someoneCovers || CertifiedKey.covers(snap.names().get(i), h))) {
                return snap.aliases().get(key);
            }
        }
        return null;
    }

    private static boolean usable(String keyType, CertifiedKey key) {
        return keyType.equals(key.keyType()) || keyType.equals("RSASSA-PSS") && key.keyType().equals("RSA");
    }

    /** The SNI host name the client sent, or {@code null}. */
    static String requestedHost(SSLSession handshake) {
        if (handshake instanceof ExtendedSSLSession ext) {
            for (SNIServerName name : ext.getRequestedServerNames()) {
                if (name.getType() == StandardConstants.SNI_HOST_NAME && name instanceof SNIHostName host) {
                    return host.getAsciiName();
                }
            }
        }
        return null;
    }

    private CertifiedKey lookup(String alias) {
        if (alias == null) {
            return null;
        }
        CertifiedKey key = current.byAlias().get(alias);
        Snapshot before = previous;
        return key != null || before == null ? key : before.byAlias().get(alias);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        CertifiedKey key = lookup(alias);
        return key == null ? null : key.chain().toArray(X509Certificate[]::new);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        CertifiedKey key = lookup(alias);
        return key == null ? null : key.key();
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        Snapshot snap = current;
        return snap.keys().stream().filter(k -> k.keyType().equals(keyType)).map(snap.aliases()::get).toArray(String[]::new);
    }

    /** Servers do not present client certificates. */
    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    /** Servers do not present client certificates. */
    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
