// A real OpenID provider for Airdeck's tests, on 127.0.0.1:$PORT.
// Machine clients ($CLIENT_ROLES) use the client_credentials grant; each client's roles land in
// the "roles" claim, as a company IdP would put group names.
// With $WEB_CLIENT set, a browser sign-in client is served too: the authorization code flow with
// PKCE, the provider's built-in development login and consent pages (any login name signs in as
// that account) and RP-initiated logout; each account's roles come from $USER_ROLES. A signed-in
// person also gets a refresh token (as Keycloak gives one without asking for offline_access),
// unless their account is in $NO_REFRESH_ACCOUNTS.
// Access tokens for $AUDIENCE are RS256 JWTs either way, living $ACCESS_TOKEN_TTL seconds
// (300 by default). Each token issued is logged to stdout as a JSON line naming its grant type.
import Provider from "oidc-provider";

const port = Number(process.env.PORT);
const audience = process.env.AUDIENCE;
// $ISSUER overrides the issuer, for a provider whose issuer ends in "/" (as Auth0's and Azure
// v1's do) or one reached through a proxy on another port.
const issuer = process.env.ISSUER || `http://127.0.0.1:${port}`;
const clientRoles = JSON.parse(process.env.CLIENT_ROLES); // {"client-id": ["group", ...]}
const userRoles = JSON.parse(process.env.USER_ROLES ?? "{}"); // {"account": ["group", ...]}
// {"client_id": "...", "redirect_uri": "...", "post_logout_redirect_uri": "...",
//  "silent_redirect_uri": "..." (or "": none)}
const webClient = process.env.WEB_CLIENT ? JSON.parse(process.env.WEB_CLIENT) : null;
const noRefreshAccounts = JSON.parse(process.env.NO_REFRESH_ACCOUNTS ?? "[]"); // ["account", ...]
const accessTokenTTL = Number(process.env.ACCESS_TOKEN_TTL ?? 300);

const machineClients = Object.keys(clientRoles).map((clientId) => ({
  client_id: clientId,
  client_secret: `${clientId}-secret`,
  grant_types: ["client_credentials"],
  redirect_uris: [],
  response_types: [],
  token_endpoint_auth_method: "client_secret_post",
}));
const browserClients = webClient
  ? [
      {
        client_id: webClient.client_id,
        client_name: "Airdeck web",
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        redirect_uris: [webClient.redirect_uri, webClient.silent_redirect_uri].filter(Boolean),
        post_logout_redirect_uris: [webClient.post_logout_redirect_uri],
        // A public client: it proves itself with PKCE, not a secret.
        token_endpoint_auth_method: "none",
      },
    ]
  : [];

const provider = new Provider(issuer, {
  clients: [...machineClients, ...browserClients],
  findAccount: (ctx, id) => ({
    accountId: id,
    claims: () => ({ sub: id, name: id }),
  }),
  claims: { openid: ["sub"], profile: ["name"] },
  pkce: { required: () => true },
  issueRefreshToken: (ctx, client, code) =>
    client.grantTypeAllowed("refresh_token") && !noRefreshAccounts.includes(code.accountId),
  features: {
    clientCredentials: { enabled: true },
    devInteractions: { enabled: webClient !== null },
    rpInitiatedLogout: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => audience,
      useGrantedResource: () => true,
      // Any https resource is served (its URI becomes the audience), so tests can ask for a
      // token meant for another API; the "short-lived" client's tokens last one second.
      getResourceServerInfo: (ctx, resource, client) => ({
        scope: "api",
        audience: resource,
        accessTokenTTL: client.clientId === "short-lived" ? 1 : accessTokenTTL,
        accessTokenFormat: "jwt",
        jwt: { sign: { alg: "RS256" } },
      }),
    },
  },
  // A signed-in person's token carries their account's roles; a machine client's carries the
  // client's roles and names the client as its subject.
  extraTokenClaims: (ctx, token) =>
    token.accountId
      ? { roles: userRoles[token.accountId] ?? [] }
      : { roles: clientRoles[token.clientId] ?? [], sub: token.clientId },
});

provider.on("grant.success", (ctx) =>
  console.log(JSON.stringify({ grant_type: ctx.oidc.params.grant_type })),
);

provider.listen(port, "127.0.0.1", () => console.log(`oidc-provider ready on ${issuer}`));
