import { CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnUserPoolGroup,
  FeaturePlan,
  Mfa,
  OAuthScope,
  UserPool,
  type UserPoolClient,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

export const STAFF_GROUPS = ['admin', 'operator', 'unit-head'] as const;

export interface StaffAuthProps {
  stage: string;
}

/** The staff user pool: invitation only, groups for roles; offices are looked up in the directory, not here. */
export class StaffAuth extends Construct {
  readonly userPool: UserPool;
  readonly apiClient: UserPoolClient;
  /** Client of the staff pages: managed login, authorization code with PKCE. Set by `addWebClient`. */
  webClient!: UserPoolClient;
  loginDomain!: UserPoolDomain;
  /** The `iss` of the pool's tokens, in Cognito's documented form (what the HTTP API JWT authorizer checks). */
  readonly issuer: string;

  constructor(scope: Construct, id: string, props: StaffAuthProps) {
    super(scope, id);
    const prod = props.stage === 'prod';
    this.userPool = new UserPool(this, 'Staff', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      featurePlan: FeaturePlan.ESSENTIALS,
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      passwordPolicy: {
        minLength: 12,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: false,
        tempPasswordValidity: Duration.days(3),
      },
      deletionProtection: prod,
      removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    new CfnOutput(this, 'StaffUserPoolId', { value: this.userPool.userPoolId });
    this.issuer = `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${this.userPool.userPoolId}`;
    for (const group of STAFF_GROUPS) {
      new CfnUserPoolGroup(this, `Group-${group}`, { userPoolId: this.userPool.userPoolId, groupName: group });
    }
    // API clients (scripts, integrations) authenticate with SRP and send the access token as a bearer token.
    this.apiClient = this.userPool.addClient('ApiClient', {
      authFlows: { userSrp: true },
      generateSecret: false,
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });
  }

  /**
   * The staff pages' client and the managed-login domain. Callbacks go to `<publicBaseUrl>/auth/callback`; the
   * session is the ID token in an HttpOnly cookie, so its validity is the session length.
   */
  addWebClient(publicBaseUrl: string, domainPrefix: string): UserPoolClient {
    this.loginDomain = this.userPool.addDomain('Login', { cognitoDomain: { domainPrefix } });
    this.webClient = this.userPool.addClient('WebClient', {
      generateSecret: false,
      preventUserExistenceErrors: true,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [`${publicBaseUrl}/auth/callback`],
        logoutUrls: [`${publicBaseUrl}/`],
      },
      idTokenValidity: Duration.hours(8),
      accessTokenValidity: Duration.hours(8),
      refreshTokenValidity: Duration.days(7),
    });
    return this.webClient;
  }

  /** What an HTTP function needs to run the staff login and verify session cookies. */
  sessionEnvironment(publicBaseUrl: string): Record<string, string> {
    return {
      PUBLIC_BASE_URL: publicBaseUrl,
      STAFF_LOGIN_DOMAIN: this.loginDomain.baseUrl(),
      STAFF_WEB_CLIENT_ID: this.webClient.userPoolClientId,
      STAFF_ISSUER: this.issuer,
      STAFF_JWKS_URI: `${this.issuer}/.well-known/jwks.json`,
    };
  }
}
