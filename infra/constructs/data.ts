import { CfnOutput, RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  type ITable,
  ProjectionType,
  StreamViewType,
  Table,
} from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

/** Generic GSI names, all created up front: CloudFormation adds only one GSI per stack update. */
export const GSI_NAMES = ['GSI1', 'GSI2', 'GSI3', 'GSI4'] as const;

export interface DataProps {
  stage: string;
  /**
   * Put an existing table into service (e.g. the new table a point-in-time restore produced).
   * @default a table created by this stack
   */
  existingTableName?: string;
}

/** The single domain table (PK/SK + generic GSIs) and the Powertools idempotency table. */
export class Data extends Construct {
  readonly table: ITable;
  readonly idempotencyTable: Table;

  constructor(scope: Construct, id: string, props: DataProps) {
    super(scope, id);
    const prod = props.stage === 'prod';
    const keep = prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    if (props.existingTableName) {
      this.table = Table.fromTableAttributes(this, 'Domain', {
        tableName: props.existingTableName,
        globalIndexes: [...GSI_NAMES],
        grantIndexPermissions: true,
      });
    } else {
      const table = new Table(this, 'Domain', {
        partitionKey: { name: 'PK', type: AttributeType.STRING },
        sortKey: { name: 'SK', type: AttributeType.STRING },
        billingMode: BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        deletionProtection: prod,
        removalPolicy: keep,
        timeToLiveAttribute: 'ttl',
        stream: StreamViewType.NEW_AND_OLD_IMAGES,
      });
      for (const name of GSI_NAMES) {
        table.addGlobalSecondaryIndex({
          indexName: name,
          partitionKey: { name: `${name}PK`, type: AttributeType.STRING },
          sortKey: { name: `${name}SK`, type: AttributeType.STRING },
          projectionType: ProjectionType.ALL,
        });
      }
      this.table = table;
    }

    new CfnOutput(this, 'DomainTableName', { value: this.table.tableName });

    // Powertools idempotency keeps its records in a table of its own (its key schema, its TTL attribute).
    this.idempotencyTable = new Table(this, 'Idempotency', {
      partitionKey: { name: 'id', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: prod,
      removalPolicy: keep,
      timeToLiveAttribute: 'expiration',
    });
  }
}
