import { PlusOutlined, ReloadOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, Input, Popconfirm, Select, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  api,
  DELIVERY_STATUSES,
  type DeliveryStatus,
  errorText,
  type WebhookDelivery,
  type WebhookEndpoint,
} from '../api';
import { useAuth } from '../auth';
import { typeLabel } from '../ceb';
import { mono } from '../components/Declaration';
import { useServerErrors } from '../components/serverErrors';
import { useListPage } from '../components/useListPage';
import { formatTime } from '../i18n';

const DELIVERY_COLORS: Record<DeliveryStatus, string> = {
  pending: 'processing',
  delivered: 'success',
  failed: 'error',
};

/** What is signed and how, in the receivers' terms. */
const SIGNATURE_FORMULA = [
  'signed bytes      = UTF-8( x-cbec-timestamp + "." + raw body )',
  'x-cbec-signature  = hex( r ‖ s ) of SM2 with SM3, user id 1234567812345678',
  'verify with       = /.well-known/cbec-zone/keys → keys[keyId = x-cbec-key-id, purpose = "webhook"].publicKey',
].join('\n');

function SignatureHelp() {
  const { t } = useTranslation();
  return (
    <Alert
      type="info"
      showIcon
      icon={<SafetyCertificateOutlined />}
      style={{ marginBottom: 16 }}
      message={t('webhooks.sigTitle')}
      description={
        <div data-testid="signature-help">
          <pre
            style={{
              ...mono,
              fontSize: 12,
              background: 'rgba(0,0,0,0.04)',
              padding: '8px 10px',
              borderRadius: 4,
              margin: '4px 0 8px',
              whiteSpace: 'pre-wrap',
            }}
          >
            {SIGNATURE_FORMULA}
          </pre>
          <ul style={{ margin: 0, paddingInlineStart: 18 }}>
            <li>{t('webhooks.sig1')}</li>
            <li>
              {t('webhooks.sig2')}{' '}
              <a href="/.well-known/cbec-zone/keys" target="_blank" rel="noreferrer">
                {t('webhooks.keysLink')}
              </a>
            </li>
            <li>{t('webhooks.sig3')}</li>
          </ul>
        </div>
      }
    />
  );
}

/** 回执推送: the enterprise's webhook endpoints for receipts, their deliveries, and replay. */
export default function Webhooks() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { message } = App.useApp();
  const { me } = useAuth();
  const uscc = me?.enterpriseUscc ?? '';
  const [form] = Form.useForm<{ url: string }>();
  const serverErrors = useServerErrors(form);
  const [adding, setAdding] = useState(false);
  const endpointList = useListPage({
    store: 'state',
    filters: () => ({}),
    fetch: () => api.webhooks.list(uscc).then((items) => ({ items })),
    deps: [uscc],
    enabled: !!uscc,
  });
  const deliveryList = useListPage({
    store: 'state',
    filters: (p) => ({ status: (p.get('status') ?? undefined) as DeliveryStatus | undefined }),
    fetch: ({ status }, page) => api.webhooks.deliveries(uscc, { status, ...page }),
    deps: [uscc],
    enabled: !!uscc,
  });
  const loadEndpoints = endpointList.reload;
  const loadDeliveries = deliveryList.reload;
  const error = endpointList.error ?? deliveryList.error;
  const status = deliveryList.filters.status;

  const add = async (v: { url: string }) => {
    serverErrors.clear();
    setAdding(true);
    try {
      await api.webhooks.create(uscc, v.url.trim());
      message.success(t('webhooks.added'));
      form.resetFields();
      void loadEndpoints();
    } catch (err) {
      serverErrors.show(err);
    } finally {
      setAdding(false);
    }
  };

  const remove = async (e: WebhookEndpoint) => {
    try {
      await api.webhooks.remove(uscc, e.id);
      message.success(t('webhooks.removed'));
      void loadEndpoints();
      void loadDeliveries();
    } catch (err) {
      message.error(errorText(err, lang));
    }
  };

  const replay = async (d: WebhookDelivery) => {
    try {
      await api.webhooks.replay(uscc, d.id);
      message.success(t('webhooks.replayed'));
      void loadDeliveries();
    } catch (err) {
      message.error(errorText(err, lang));
    }
  };

  return (
    <div style={{ maxWidth: 1280 }}>
      <div style={{ display: 'flex', alignItems: 'center', marginBottom: 8 }}>
        <Typography.Title level={3} style={{ margin: 0, flex: 1 }}>
          {t('webhooks.title')}
        </Typography.Title>
        <Button
          icon={<ReloadOutlined />}
          onClick={() => {
            void loadEndpoints();
            void loadDeliveries();
          }}
        >
          {t('common.refresh')}
        </Button>
      </div>
      <Typography.Paragraph type="secondary">{t('webhooks.intro')}</Typography.Paragraph>
      <SignatureHelp />
      {error ? (
        <Alert
          type="error"
          showIcon
          closable
          onClose={() => {
            endpointList.clearError();
            deliveryList.clearError();
          }}
          message={errorText(error, lang)}
          style={{ marginBottom: 16 }}
        />
      ) : null}

      <Card variant="borderless" title={t('webhooks.endpoints')} style={{ marginBottom: 16 }}>
        {serverErrors.alert}
        <Form form={form} name="webhook" layout="inline" onFinish={add} style={{ marginBottom: 16, rowGap: 8 }}>
          <Form.Item
            name="url"
            style={{ flex: 1, minWidth: 360 }}
            rules={[{ required: true, whitespace: true, message: t('webhooks.urlRequired') }]}
          >
            <Input placeholder={t('webhooks.urlPlaceholder')} maxLength={500} style={mono} />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit" icon={<PlusOutlined />} loading={adding} data-testid="webhook-add">
              {t('webhooks.add')}
            </Button>
          </Form.Item>
        </Form>
        <Table<WebhookEndpoint>
          rowKey="id"
          size="middle"
          loading={endpointList.loading}
          dataSource={endpointList.items}
          pagination={false}
          data-testid="webhook-endpoints"
          columns={[
            {
              title: t('webhooks.url'),
              dataIndex: 'url',
              render: (v: string) => <span style={{ ...mono, wordBreak: 'break-all' }}>{v}</span>,
            },
            {
              title: t('webhooks.fromSeq'),
              dataIndex: 'fromSeq',
              width: 190,
              render: (v: number) => t('webhooks.fromSeqHint', { seq: v }),
            },
            {
              title: t('keys.state'),
              dataIndex: 'active',
              width: 100,
              render: (v: boolean) =>
                v ? <Tag color="success">{t('webhooks.active')}</Tag> : <Tag>{t('webhooks.inactive')}</Tag>,
            },
            {
              title: t('webhooks.createdAt'),
              dataIndex: 'createdAt',
              width: 150,
              render: (v: string) => formatTime(v, lang),
            },
            {
              title: t('common.actions'),
              key: 'actions',
              width: 90,
              render: (_: unknown, e) => (
                <Popconfirm
                  title={t('webhooks.removeConfirm', { url: e.url })}
                  onConfirm={() => remove(e)}
                  okButtonProps={{ danger: true }}
                  okText={t('webhooks.remove')}
                  cancelText={t('common.cancel')}
                >
                  <Button type="link" danger size="small">
                    {t('webhooks.remove')}
                  </Button>
                </Popconfirm>
              ),
            },
          ]}
        />
      </Card>

      <Card
        variant="borderless"
        title={t('webhooks.deliveries')}
        extra={
          <Select<DeliveryStatus>
            allowClear
            style={{ width: 160 }}
            placeholder={t('webhooks.allStatuses')}
            value={status}
            onChange={(v) => deliveryList.setFilters({ status: v ?? null })}
            options={DELIVERY_STATUSES.map((s) => ({ value: s, label: t(`webhooks.dStatus.${s}`) }))}
          />
        }
      >
        <Table<WebhookDelivery>
          rowKey="id"
          size="small"
          loading={deliveryList.loading}
          dataSource={deliveryList.items}
          pagination={deliveryList.pagination}
          columns={[
            {
              title: t('webhooks.createdAt'),
              dataIndex: 'createdAt',
              width: 140,
              render: (v: string) => formatTime(v, lang),
            },
            {
              title: t('webhooks.receipt'),
              key: 'receipt',
              render: (_: unknown, d) => (
                <div>
                  <div>
                    {typeLabel(d.receiptType, lang)}{' '}
                    <span style={{ color: '#8a94a6', fontSize: 12 }}>
                      {t('decl.seq')} {d.receiptSeq}
                    </span>
                  </div>
                  {d.businessKey && (
                    <div style={{ ...mono, fontSize: 12, color: '#596275' }}>
                      {d.businessKey.split('|').join(' / ')}
                    </div>
                  )}
                </div>
              ),
            },
            {
              title: t('webhooks.url'),
              dataIndex: 'url',
              width: 240,
              render: (v: string) => <span style={{ ...mono, fontSize: 12, wordBreak: 'break-all' }}>{v}</span>,
            },
            {
              title: t('keys.state'),
              dataIndex: 'status',
              width: 100,
              render: (s: DeliveryStatus) => (
                <Tag color={DELIVERY_COLORS[s]} style={{ marginInlineEnd: 0 }}>
                  {t(`webhooks.dStatus.${s}`)}
                </Tag>
              ),
            },
            { title: t('webhooks.attempts'), dataIndex: 'attempts', width: 90, align: 'right' as const },
            {
              title: t('webhooks.lastResult'),
              key: 'last',
              width: 220,
              render: (_: unknown, d) => (
                <div style={{ fontSize: 12 }}>
                  {d.lastStatusCode !== null && <div style={mono}>HTTP {d.lastStatusCode}</div>}
                  {d.lastError && <div style={{ color: '#cf1322', wordBreak: 'break-all' }}>{d.lastError}</div>}
                  {d.status === 'delivered' && d.deliveredAt && (
                    <div>
                      {t('webhooks.deliveredAt')} {formatTime(d.deliveredAt, lang)}
                    </div>
                  )}
                  {d.status === 'pending' && d.nextAttemptAt && (
                    <div style={{ color: '#8a94a6' }}>
                      {t('webhooks.nextAttemptAt')} {formatTime(d.nextAttemptAt, lang)}
                    </div>
                  )}
                </div>
              ),
            },
            {
              title: t('common.actions'),
              key: 'actions',
              width: 100,
              render: (_: unknown, d) =>
                d.status === 'pending' ? null : (
                  <Button type="link" size="small" onClick={() => void replay(d)}>
                    {t('webhooks.replay')}
                  </Button>
                ),
            },
          ]}
        />
      </Card>
    </div>
  );
}
