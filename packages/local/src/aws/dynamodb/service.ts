import type http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../protocol';
import { forwardedHeaders, proxy, send } from '../proxy';
import type { LocalAwsService, RunningService } from '../service';
import { startLocalDynamoDb } from './server';

/** DynamoDB: dynalite on a loopback port, proxied; CreateTable answers once the table is ACTIVE. */
export const dynamoDbService: LocalAwsService<RunningService> = {
  scope: 'dynamodb',
  targetPrefix: 'DynamoDB_',
  directory: 'dynamodb',
  async start(context) {
    const dynamodb = await startLocalDynamoDb(context.directory);
    return {
      handle(request, response) {
        if (request.headers['x-amz-target'] === 'DynamoDB_20120810.CreateTable') {
          void createTableWhenActive(request, response, dynamodb.port, context.agent, context.maxBodyBytes);
        } else {
          proxy(request, response, dynamodb.port, context.agent);
        }
      },
      close: () => dynamodb.close(),
    };
  },
};

/**
 * CreateTable, answered once dynalite has made the table ACTIVE (it flips the status on a timer after
 * answering), so a caller that writes right after creating a table does not race it.
 */
async function createTableWhenActive(
  request: IncomingMessage,
  response: ServerResponse,
  port: number,
  agent: http.Agent,
  maxBodyBytes: number,
): Promise<void> {
  try {
    const body = await readBody(request, maxBodyBytes);
    const headers = forwardedHeaders(request);
    const created = await send(port, agent, { method: 'POST', path: request.url, headers }, body);
    if (created.status === 200) {
      const tableName = (JSON.parse(body.toString('utf8')) as { TableName?: string }).TableName;
      const describe = Buffer.from(JSON.stringify({ TableName: tableName }));
      const describeHeaders = {
        ...headers,
        'x-amz-target': 'DynamoDB_20120810.DescribeTable',
        'content-length': String(describe.length),
      };
      for (let attempt = 0; attempt < 200; attempt += 1) {
        const described = await send(
          port,
          agent,
          { method: 'POST', path: '/', headers: describeHeaders },
          describe,
        );
        const status = (JSON.parse(described.body.toString('utf8')) as { Table?: { TableStatus?: string } })
          .Table?.TableStatus;
        if (described.status !== 200 || status === 'ACTIVE') break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    const {
      connection: _connection,
      'keep-alive': _keepAlive,
      'transfer-encoding': _te,
      ...responseHeaders
    } = created.headers;
    response.writeHead(created.status, { ...responseHeaders, 'content-length': created.body.length });
    response.end(created.body);
  } catch {
    if (!response.headersSent) {
      response.writeHead(502, { 'content-type': 'text/plain' });
      response.end('The local DynamoDB is not available.');
    } else {
      response.destroy();
    }
  }
}
