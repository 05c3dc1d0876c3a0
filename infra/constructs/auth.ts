import { CfnOutput, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  type CfnUserPool,
  CfnUserPoolGroup,
  FeaturePlan,
  Mfa,
  OAuthScope,
  UserPool,
  type UserPoolClient,
  type UserPoolDomain,
  UserPoolEmail,
} from 'aws-cdk-lib/aws-cognito';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { CognitoAdminAction } from '#shared/http/catalogue';
import { invitationMessage } from '#shared/staff/invitation-message';
import type { AbdiFunction } from './function.ts';

export const STAFF_GROUPS = ['admin', 'operator', 'unit-head'] as const;

export interface StaffAuthProps {
  stage: string;
  /**
   * Send the pool's email (invitations, password resets) through SES from this verified sender, with the Bahasa
   * Indonesia invitation linking to the sign-in page. Cognito checks at deploy time that the identity (the domain
   * when given, else the address) is verified in SES, so set this only once it is.
   * @default Cognito's own sender (no-reply@verificationemail.com, about 50 emails a day per account, its English
   *   default invitation): enough for a pilot, not for inviting every office
   */
  sesSender?: {
    /** A plain address or `Display Name <address>` (the Mail construct's `from`). */
    from: string;
    /** The sender's domain identity, when the domain (not the address) is what SES verified. */
    verifiedDomain?: string;
  };
}

/** Cognito's SES settings for a sender given as `address` or `Display Name <address>`. */
const sesEmail = (sender: NonNullable<StaffAuthProps['sesSender']>): UserPoolEmail => {
  const match = /^\s*(.*?)\s*<([^<>]+)>\s*$/.exec(sender.from);
  const fromEmail = (match?.[2] ?? sender.from).trim();
  const domain = fromEmail.split('@')[1]?.toLowerCase();
  return UserPoolEmail.withSES({
    fromEmail,
    fromName: match?.[1] || undefined,
    // The identity Cognito sends from: the verified domain when the address is in it, else the address itself.
    sesVerifiedDomain: domain && domain === sender.verifiedDomain?.toLowerCase() ? domain : undefined,
  });
};

/** Days an invitation's temporary password stays valid. */
const TEMPORARY_PASSWORD_DAYS = 3;

/** The staff user pool: invitation only, groups for roles; offices are looked up in the directory, not here. */
export class StaffAuth extends Construct {
  readonly userPool: UserPool;
  readonly apiClient: UserPoolClient;
  /** Client of the staff pages: managed login, authorization code with PKCE. Set by `addWebClient`. */
  webClient!: UserPoolClient;
  loginDomain!: UserPoolDomain;
  /** The `iss` of the pool's tokens, in Cognito's documented form (what the HTTP API JWT authorizer checks). */
  readonly issuer: string;
  private readonly sendsThroughSes: boolean;

  constructor(scope: Construct, id: string, props: StaffAuthProps) {
    super(scope, id);
    const prod = props.stage === 'prod';
    this.sendsThroughSes = props.sesSender !== undefined;
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
        tempPasswordValidity: Duration.days(TEMPORARY_PASSWORD_DAYS),
      },
      email: props.sesSender ? sesEmail(props.sesSender) : undefined,
      deletionProtection: prod,
      removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const pool = Validations.of(this.userPool);
    pool.acknowledge({
      id: 'AwsSolutions-COG1',
      reason:
        'Passwords need 12 characters with upper case, lower case and digits; symbols are not required, following ' +
        'NIST SP 800-63B, which favours length over composition rules.',
    });
    pool.acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'TOTP MFA is offered to every staff member but not forced: invitations reach staff who first sign in on ' +
        'shared office computers, and requiring it is a go-live decision of each government (docs/security.md).',
    });
    pool.acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'The pool stays on the Essentials plan: staff are invited by admins, self sign-up is off and sign-in is ' +
        'through managed login, so the Plus plan threat protection is not worth its per-user price here.',
    });
    new CfnOutput(this, 'StaffUserPoolId', { value: this.userPool.userPoolId });
    this.issuer = `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${this.userPool.userPoolId}`;
    for (const group of STAFF_GROUPS) {
      new CfnUserPoolGroup(this, `Group-${group}`, { userPoolId: this.userPool.userPoolId, groupName: group });
    }
    // API clients (scripts, integrations) authenticate with SRP and send the access token as a bearer token.
    this.apiClient = this.userPool.addClient('ApiClient', {
      authFlows: { userSrp: true },
      // No OAuth flows: the managed-login domain must not mint tokens the API's authorizer accepts.
      disableOAuth: true,
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
    // Invitations send new staff to the same sign-in page (Cognito takes a custom template only through SES).
    if (this.sendsThroughSes) {
      const { emailSubject, emailBody } = invitationMessage({
        publicBaseUrl,
        temporaryPasswordDays: TEMPORARY_PASSWORD_DAYS,
      });
      const pool = this.userPool.node.defaultChild as CfnUserPool;
      pool.adminCreateUserConfig = {
        ...(pool.adminCreateUserConfig as CfnUserPool.AdminCreateUserConfigProperty),
        inviteMessageTemplate: { emailSubject, emailMessage: emailBody },
      };
    }
    return this.webClient;
  }

  /**
   * Lets a function administer staff users: IAM for exactly `actions` on this pool, and `STAFF_USER_POOL_ID`.
   */
  grantAdmin(fn: AbdiFunction, actions: readonly CognitoAdminAction[]): void {
    fn.fn.addToRolePolicy(
      new PolicyStatement({
        actions: actions.map((action) => `cognito-idp:${action}`),
        resources: [this.userPool.userPoolArn],
      }),
    );
    fn.fn.addEnvironment('STAFF_USER_POOL_ID', this.userPool.userPoolId);
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
