import { CopyOutlined, KeyOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, Input, Modal, Popconfirm, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiKey, api, errorText } from '../api';
import { useAuth } from '../auth';
import { useListPage } from '../components/useListPage';
import { formatTime } from '../i18n';

/** Copies text, with a fallback for pages not served over HTTPS (no async clipboard there). */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall back below
  }
  const ta = document.createElement('textarea');
  ta.value = text;
  ta.setAttribute('readonly', '');
  ta.style.position = 'fixed';
  ta.style.opacity = '0';
  document.body.appendChild(ta);
  ta.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  document.body.removeChild(ta);
  return ok;
}

const mono = { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace' };

export default function ApiKeys() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { message } = App.useApp();
  const { me } = useAuth();
  const uscc = me?.enterpriseUscc ?? '';
  const isAdmin = me?.role === 'enterprise_admin';
  const [creating, setCreating] = useState(false);
  const [busy, setBusy] = useState(false);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const [form] = Form.useForm<{ name: string }>();

  const list = useListPage({
    store: 'state',
    filters: () => ({}),
    fetch: async () => {
      const [items, enterprise] = await Promise.all([api.apiKeys.list(uscc), api.enterprises.get(uscc)]);
      return { items, enterprise };
    },
    deps: [uscc],
    enabled: !!uscc,
  });
  const { items, loading, error, reload: load } = list;
  const enterprise = list.data?.enterprise ?? null;

  const create = async (v: { name: string }) => {
    setBusy(true);
    try {
      const r = await api.apiKeys.create(uscc, v.name.trim());
      setCreating(false);
      form.resetFields();
      setSecret({ name: r.apiKey.name, secret: r.secret });
      void load();
    } catch (err) {
      message.error(errorText(err, lang));
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (k: ApiKey) => {
    try {
      await api.apiKeys.revoke(uscc, k.id);
      message.success(t('keys.revokedOk'));
      void load();
    } catch (err) {
      message.error(errorText(err, lang));
    }
  };

  const canCreate = isAdmin && (!enterprise || enterprise.status === 'approved');

  return (
    <div style={{ maxWidth: 1200 }}>
      <div style={{ display: 'flex', alignItems: 'center', marginBottom: 16 }}>
        <Typography.Title level={3} style={{ margin: 0, flex: 1 }}>
          {t('keys.title')}
        </Typography.Title>
        {isAdmin && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} disabled={!canCreate}>
            {t('keys.create')}
          </Button>
        )}
      </div>
      <Alert type="info" showIcon icon={<KeyOutlined />} message={t('keys.intro')} style={{ marginBottom: 16 }} />
      {isAdmin && enterprise && enterprise.status !== 'approved' && (
        <Alert type="warning" showIcon message={t('keys.needApproved')} style={{ marginBottom: 16 }} />
      )}
      {error ? <Alert type="error" showIcon message={errorText(error, lang)} style={{ marginBottom: 16 }} /> : null}
      <Card variant="borderless" styles={{ body: { padding: 0 } }}>
        <Table<ApiKey>
          rowKey="id"
          loading={loading}
          dataSource={items}
          pagination={false}
          columns={[
            { title: t('keys.name'), dataIndex: 'name' },
            {
              title: t('keys.prefix'),
              dataIndex: 'prefix',
              render: (p: string) => <span style={mono}>{p}…</span>,
            },
            { title: t('keys.createdAt'), dataIndex: 'createdAt', render: (v: string) => formatTime(v, lang) },
            {
              title: t('keys.lastUsedAt'),
              dataIndex: 'lastUsedAt',
              render: (v: string | null) => (v ? formatTime(v, lang) : t('keys.never')),
            },
            {
              title: t('keys.state'),
              dataIndex: 'revokedAt',
              render: (v: string | null) =>
                v ? (
                  <Tag>
                    {t('keys.revoked')} · {formatTime(v, lang)}
                  </Tag>
                ) : (
                  <Tag color="success">{t('keys.active')}</Tag>
                ),
            },
            ...(isAdmin
              ? [
                  {
                    title: t('common.actions'),
                    key: 'actions',
                    width: 100,
                    render: (_: unknown, k: ApiKey) =>
                      k.revokedAt ? null : (
                        <Popconfirm
                          title={t('keys.revokeConfirm', { name: k.name })}
                          onConfirm={() => revoke(k)}
                          okButtonProps={{ danger: true }}
                          okText={t('keys.revoke')}
                          cancelText={t('common.cancel')}
                        >
                          <Button type="link" danger size="small">
                            {t('keys.revoke')}
                          </Button>
                        </Popconfirm>
                      ),
                  },
                ]
              : []),
          ]}
        />
      </Card>

      <Modal
        open={creating}
        title={t('keys.create')}
        onCancel={() => setCreating(false)}
        onOk={() => form.submit()}
        confirmLoading={busy}
        okText={t('keys.create')}
        cancelText={t('common.cancel')}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={create} name="apiKey">
          <Form.Item
            name="name"
            label={t('keys.name')}
            rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('keys.name') }) }]}
          >
            <Input maxLength={100} placeholder={t('keys.namePlaceholder')} autoFocus />
          </Form.Item>
        </Form>
      </Modal>

      <Modal
        open={secret !== null}
        title={t('keys.createdTitle')}
        onCancel={() => setSecret(null)}
        closable
        maskClosable={false}
        footer={[
          <Button
            key="copy"
            icon={<CopyOutlined />}
            onClick={async () => {
              if (secret && (await copyText(secret.secret))) message.success(t('common.copied'));
            }}
          >
            {t('common.copy')}
          </Button>,
          <Button key="close" type="primary" onClick={() => setSecret(null)}>
            {t('common.close')}
          </Button>,
        ]}
      >
        <Alert type="warning" showIcon message={t('keys.createdWarn')} style={{ marginBottom: 12 }} />
        <Typography.Text type="secondary">{secret?.name}</Typography.Text>
        <Input.TextArea
          readOnly
          value={secret?.secret}
          autoSize
          style={{ ...mono, marginTop: 6 }}
          onFocus={(e) => e.currentTarget.select()}
          data-testid="api-key-secret"
        />
      </Modal>
    </div>
  );
}
