import { randomUUID } from 'node:crypto';

/**
 * SES event-publishing records and the SNS envelope Lambda receives them in, shaped as AWS documents them ("Examples
 * of event data that Amazon SES publishes to Amazon SNS"; the SNS event of a Lambda subscription).
 */

interface MailPart {
  messageId: string;
  /** Our outbox id, sent as the `mailId` message tag. */
  mailId?: string;
  destination: string[];
  timestamp?: string;
}

const mailObject = ({ messageId, mailId, destination, timestamp }: MailPart) => ({
  timestamp: timestamp ?? new Date().toISOString(),
  source: 'noreply@abdi.invalid',
  sourceArn: 'arn:aws:ses:ap-southeast-3:000000000000:identity/abdi.invalid',
  sendingAccountId: '000000000000',
  messageId,
  destination,
  headersTruncated: false,
  headers: [
    { name: 'From', value: 'noreply@abdi.invalid' },
    { name: 'To', value: destination.join(', ') },
    { name: 'Subject', value: 'Pemberitahuan' },
    { name: 'MIME-Version', value: '1.0' },
    { name: 'Content-Type', value: 'multipart/alternative; boundary="----=_Part_7307378_1629847660.1516840721503"' },
  ],
  commonHeaders: { from: ['noreply@abdi.invalid'], to: destination, messageId, subject: 'Pemberitahuan' },
  tags: {
    'ses:configuration-set': ['abdi-dev-MailConfigurationSet'],
    'ses:source-ip': ['192.0.2.0'],
    'ses:from-domain': ['abdi.invalid'],
    'ses:caller-identity': ['abdi-dev-OperationsReconcilerFn'],
    ...(mailId && { mailId: [mailId], template: ['notice'] }),
  },
});

/** A `Bounce` record. */
export const sesBounce = (
  mail: MailPart & { bounced: string[]; bounceType?: 'Permanent' | 'Transient' | 'Undetermined' },
) => ({
  eventType: 'Bounce',
  bounce: {
    bounceType: mail.bounceType ?? 'Permanent',
    bounceSubType: mail.bounceType === 'Transient' ? 'MailboxFull' : 'General',
    bouncedRecipients: mail.bounced.map((emailAddress) => ({
      emailAddress,
      action: 'failed',
      status: '5.1.1',
      diagnosticCode: 'smtp; 550 5.1.1 user unknown',
    })),
    timestamp: new Date().toISOString(),
    feedbackId: `01000157c44f053b-${randomUUID()}-000000`,
    reportingMTA: 'dsn; mta.example.com',
  },
  mail: mailObject(mail),
});

/** A `Complaint` record. */
export const sesComplaint = (mail: MailPart & { complained: string[] }) => ({
  eventType: 'Complaint',
  complaint: {
    complainedRecipients: mail.complained.map((emailAddress) => ({ emailAddress })),
    timestamp: new Date().toISOString(),
    feedbackId: `01000157c44f053b-${randomUUID()}-000000`,
    userAgent: 'Mozilla/5.0',
    complaintFeedbackType: 'abuse',
    arrivalDate: new Date().toISOString(),
  },
  mail: mailObject(mail),
});

const TOPIC_ARN = 'arn:aws:sns:ap-southeast-3:000000000000:abdi-dev-MailEvents';

/** The event Lambda gets from an SNS subscription: one record per message, the message a JSON string. */
export const snsEvent = (...messages: (object | string)[]) => ({
  Records: messages.map((message) => ({
    EventSource: 'aws:sns',
    EventVersion: '1.0',
    EventSubscriptionArn: `${TOPIC_ARN}:${randomUUID()}`,
    Sns: {
      Type: 'Notification',
      MessageId: randomUUID(),
      TopicArn: TOPIC_ARN,
      Subject: null,
      Message: typeof message === 'string' ? message : JSON.stringify(message),
      Timestamp: new Date().toISOString(),
      SignatureVersion: '1',
      Signature: 'EXAMPLE',
      SigningCertUrl: 'https://sns.ap-southeast-3.amazonaws.com/SimpleNotificationService-EXAMPLE.pem',
      UnsubscribeUrl: `https://sns.ap-southeast-3.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${TOPIC_ARN}`,
      MessageAttributes: {},
    },
  })),
});
