import { CfnOutput, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  ApiMapping,
  type CfnStage,
  CorsHttpMethod,
  DomainName,
  HttpApi,
  HttpMethod,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { RouteContract } from '#shared/http/contract';
import type { StaffAuth } from './auth.ts';
import type { AbdiFunction } from './function.ts';

export interface ApiProps {
  stage: string;
  auth: StaffAuth;
  /**
   * A custom domain for the API (links and QR posters must outlive an API replacement), with the ARN of an ACM
   * certificate for it in the stack's region. @default none: the execute-api URL
   */
  customDomain?: { domainName: string; certificateArn: string };
}

/**
 * The HTTP API. Routes come from the route contracts in shared/; `jwt` routes carry the Cognito JWT authorizer,
 * `public` and `session` routes none (session routes verify the cookie in the handler's middleware).
 */
export class Api extends Construct {
  readonly httpApi: HttpApi;
  readonly authorizer: HttpJwtAuthorizer;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const { issuer, apiClient } = props.auth;
    this.authorizer = new HttpJwtAuthorizer('StaffJwt', issuer, {
      jwtAudience: [apiClient.userPoolClientId],
      identitySource: ['$request.header.Authorization'],
    });
    this.httpApi = new HttpApi(this, 'Http', {
      description: 'abdi HTTP API',
      corsPreflight: {
        allowOrigins: ['*'],
        allowMethods: [CorsHttpMethod.ANY],
        allowHeaders: ['authorization', 'content-type', 'idempotency-key'],
        maxAge: Duration.hours(1),
      },
    });

    // Access logs record the route key, never the path: paths carry email-link tokens.
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.stage === 'prod' ? RetentionDays.ONE_YEAR : RetentionDays.ONE_MONTH,
      removalPolicy: props.stage === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const stage = this.httpApi.defaultStage?.node.defaultChild as CfnStage;
    stage.accessLogSettings = {
      destinationArn: accessLogs.logGroupArn,
      format: JSON.stringify({
        requestId: '$context.requestId',
        routeKey: '$context.routeKey',
        status: '$context.status',
        latencyMs: '$context.responseLatency',
        integrationError: '$context.integrationErrorMessage',
        time: '$context.requestTime',
      }),
    };
    stage.defaultRouteSettings = { throttlingBurstLimit: 200, throttlingRateLimit: 100 };

    new CfnOutput(this, 'Url', { value: this.httpApi.apiEndpoint });
    if (props.customDomain) {
      const domain = new DomainName(this, 'Domain', {
        domainName: props.customDomain.domainName,
        certificate: Certificate.fromCertificateArn(this, 'Certificate', props.customDomain.certificateArn),
      });
      new ApiMapping(this, 'Mapping', { api: this.httpApi, domainName: domain });
      // Point the domain's DNS record (CNAME or ALIAS) here.
      new CfnOutput(this, 'DomainTarget', { value: domain.regionalDomainName });
    }
  }

  /** Route each contract to the function. */
  addRoutes(fn: AbdiFunction, routes: readonly RouteContract[]): void {
    // One integration per function, shared by its routes, and one invoke permission for the API (not one per route:
    // the gateway only sends the routes it has, and each permission is a CloudFormation resource).
    const integration = new HttpLambdaIntegration(`${fn.node.id}-Integration`, fn.fn, {
      scopePermissionToRoute: false,
    });
    for (const route of routes) {
      const [added] = this.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        authorizer: route.auth === 'jwt' ? this.authorizer : undefined,
      });
      if (added && route.auth !== 'jwt') {
        Validations.of(added).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            route.auth === 'public'
              ? `${route.method} ${route.path} is public by its contract (citizens, email links, health or sign-in)` +
                (route.rateLimit ? '; the handler limits it per client.' : '.')
              : `${route.method} ${route.path} is a staff page: the handler verifies the session cookie, which an ` +
                'API Gateway authorizer cannot read.',
        });
      }
    }
  }
}
