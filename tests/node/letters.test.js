// The official Node client (npm notifications-node-client) against a running sandbox:
// letters, their PDFs, precompiled letters, an address error and sanitise_content_for.
// Run by tests/contract/test_node_client.py, which starts the sandbox and passes
// NOTIFY_BASE_URL, NOTIFY_TEST_KEY and the template ids in the environment.
'use strict';

const assert = require('node:assert/strict');
const test = require('node:test');
const { NotifyClient } = require('notifications-node-client');

const env = process.env;
const client = new NotifyClient(env.NOTIFY_BASE_URL, env.NOTIFY_TEST_KEY);
const address = {
  address_line_1: 'Ada Lovelace',
  address_line_2: '12 Example Street',
  address_line_3: 'London',
  address_line_4: 'SW1A 1AA',
};
const notReady = [{ error: 'PDFNotReadyError', message: 'PDF not available yet, try again later' }];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check, timeoutMs = 8000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await check();
    if (found !== undefined) return found;
    assert.ok(Date.now() < deadline, 'gave up waiting');
    await sleep(50);
  }
}

async function fetchPdf(id) {
  return until(async () => {
    try {
      return await client.getPdfForLetterNotification(id);
    } catch (error) {
      assert.equal(error.response.status, 400);
      assert.deepEqual(error.response.data.errors, notReady);
      return undefined;
    }
  });
}

function minimalPdf(text) {
  const stream = `BT /F1 12 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] /Contents 4 0 R ' +
      '/Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets = [];
  objects.forEach((object, index) => {
    offsets.push(body.length);
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  offsets.forEach((offset) => { body += `${String(offset).padStart(10, '0')} 00000 n \n`; });
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

test('templated letter: 201, GET with the letter keys, PDF after PDFNotReadyError', async () => {
  const personalisation = { ...address, name: 'Ada', day: 'Monday' };
  const sent = (await client.sendLetter(env.APPOINTMENT, { personalisation, reference: 'node' })).data;
  assert.equal(sent.content.subject, 'Your appointment, Ada');
  assert.equal(sent.scheduled_for, null);
  await assert.rejects(client.getPdfForLetterNotification(sent.id), (error) => {
    assert.deepEqual(error.response.data.errors, notReady);
    return true;
  });
  const got = (await client.getNotificationById(sent.id)).data;
  assert.equal(got.type, 'letter');
  assert.equal(got.line_1, 'Ada Lovelace');
  assert.equal(got.postage, 'second');
  assert.deepEqual(got.cost_details, { billable_sheets_of_paper: 1, postage: 'second' });
  const pdf = await fetchPdf(sent.id);
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  const letters = (await client.getNotifications('letter', undefined, 'node')).data;
  assert.ok(letters.notifications.some((n) => n.id === sent.id));
});

for (const postage of ['first', 'second']) {
  test(`precompiled ${postage} class letter kept byte for byte`, async () => {
    const original = minimalPdf(`Precompiled ${postage}`);
    const sent = (await client.sendPrecompiledLetter(`node-${postage}`, original, postage)).data;
    assert.deepEqual(sent, { id: sent.id, reference: `node-${postage}`, postage });
    const received = await until(async () => {
      const n = (await client.getNotificationById(sent.id)).data;
      return n.status === 'received' ? n : undefined;
    });
    assert.equal(received.postage, postage);
    assert.ok((await client.getPdfForLetterNotification(sent.id)).equals(original));
  });
}

test('an address error text', async () => {
  const personalisation = { address_line_1: 'Ada', address_line_2: 'SW1A 1AA' };
  await assert.rejects(client.sendLetter(env.FIRST_CLASS, { personalisation }), (error) => {
    assert.equal(error.response.status, 400);
    assert.deepEqual(error.response.data.errors, [
      { error: 'ValidationError', message: 'Address must be at least 3 lines' },
    ]);
    return true;
  });
});

test('sanitiseContentFor', async () => {
  const uuid = '3f1c2a9e-0b7d-4c1e-9a52-6d8e0f4b7a13';
  const sent = (await client.sendEmail(env.PERSONAL_EMAIL, 'someone@example.com', {
    personalisation: { name: 'User, [click here](https://evil.link)', ref: uuid },
    sanitiseContentFor: ['name', 'REF'],
  })).data;
  const name = 'User, \\[click here\\]\\(\\)';
  const ref = '3f1c2a9e\\-0b7d\\-4c1e\\-9a52\\-6d8e0f4b7a13';
  assert.deepEqual(sent.sanitised_content, {
    name: { unsanitised: 'User, [click here](https://evil.link)', sanitised: name },
    ref: { unsanitised: uuid, sanitised: ref },
  });
  assert.equal(sent.content.body, `Hello ${name}, your reference is ${ref}.`);
});
