// A real OpenID provider for Airdeck's security tests, on 127.0.0.1:$PORT.
// Clients use the client_credentials grant and get RS256 JWT access tokens for $AUDIENCE;
// each client's roles land in the "roles" claim, as a company IdP would put group names.
import Provider from "oidc-provider";

const port = Number(process.env.PORT);
const audience = process.env.AUDIENCE;
const issuer = `http://127.0.0.1:${port}`;
const roles = JSON.parse(process.env.CLIENT_ROLES); // {"client-id": ["group", ...]}

const provider = new Provider(issuer, {
  clients: Object.keys(roles).map((clientId) => ({
    client_id: clientId,
    client_secret: `${clientId}-secret`,
    grant_types: ["client_credentials"],
    redirect_uris: [],
    response_types: [],
    token_endpoint_auth_method: "client_secret_post",
  })),
  features: {
    clientCredentials: { enabled: true },
    devInteractions: { enabled: false },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => audience,
      useGrantedResource: () => true,
      // Any https resource is served (its URI becomes the audience), so tests can ask for a
      // token meant for another API; the "short-lived" client's tokens last one second.
      getResourceServerInfo: (ctx, resource, client) => ({
        scope: "api",
        audience: resource,
        accessTokenTTL: client.clientId === "short-lived" ? 1 : 300,
        accessTokenFormat: "jwt",
        jwt: { sign: { alg: "RS256" } },
      }),
    },
  },
  extraTokenClaims: (ctx, token) => ({ roles: roles[token.clientId] ?? [], sub: token.clientId }),
});

provider.listen(port, "127.0.0.1", () => console.log(`oidc-provider ready on ${issuer}`));
