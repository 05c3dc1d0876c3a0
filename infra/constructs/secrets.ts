import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface SecretsProps {
  /** Deployment stage; prod retains the secrets when the stack is deleted. */
  stage: string;
}

/**
 * Secrets the functions read at run time. Secrets Manager generates each value at deploy time: no value is in the
 * template, the repository or a parameter. Functions get read access and the ARN through
 * `AbdiFunction.bindSecret`.
 */
export class Secrets extends Construct {
  /**
   * Key of the HMAC that stands for a NIP in table keys (`shared/nip-hash.ts`). Never rotated: every stored NIP hash
   * depends on it, and a new key would let a second registration of the same NIP through. Losing it loses
   * uniqueness, so prod retains it.
   */
  readonly nipHmac: Secret;

  constructor(scope: Construct, id: string, props: SecretsProps) {
    super(scope, id);
    this.nipHmac = new Secret(this, 'NipHmac', {
      description: 'abdi: HMAC key for NIPs in table keys. Do not rotate or delete: stored keys depend on it.',
      // 64 letters and digits: about 380 bits, more than SHA-256's block needs; no punctuation to mangle in shells.
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: props.stage === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    Validations.of(this.nipHmac).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The NIP HMAC key must not rotate: every stored NIP hash and uniqueness item is keyed by it, so a new value ' +
        'would orphan them and let a second registration of the same NIP through.',
    });
  }
}
