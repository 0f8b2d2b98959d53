import { FileAddOutlined, PlusOutlined, ReloadOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, Input, Modal, Popconfirm, Switch, Table, Tag, Typography } from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorText, isZh, type RegisteredCertificate, type SigningCertificate } from '../api';
import { useAuth } from '../auth';
import { readPemFile, TrustCell } from '../components/CertificateTrust';
import { mono } from '../components/Declaration';
import { useServerErrors } from '../components/serverErrors';
import { useListPage } from '../components/useListPage';
import { formatTime } from '../i18n';
import { groupedFingerprint } from '../trust';

type CertState = 'valid' | 'expired' | 'notYetValid' | 'revoked';

function stateOf(c: SigningCertificate, now = Date.now()): CertState {
  if (c.revokedAt) return 'revoked';
  if (new Date(c.notAfter).getTime() < now) return 'expired';
  if (new Date(c.notBefore).getTime() > now) return 'notYetValid';
  return 'valid';
}

const STATE_COLORS: Record<CertState, string> = {
  valid: 'success',
  expired: 'warning',
  notYetValid: 'default',
  revoked: 'default',
};

function AddCertificateModal({
  open,
  uscc,
  onClose,
  onAdded,
}: {
  open: boolean;
  uscc: string;
  onClose: () => void;
  onAdded: (c: RegisteredCertificate) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ certificate: string }>();
  const serverErrors = useServerErrors(form);
  const [busy, setBusy] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);

  const submit = async (v: { certificate: string }) => {
    serverErrors.clear();
    setBusy(true);
    try {
      const c = await api.certificates.add(uscc, v.certificate.trim());
      form.resetFields();
      onAdded(c);
    } catch (err) {
      serverErrors.show(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('certs.add')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('certs.add')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      width={680}
      destroyOnHidden
    >
      {serverErrors.alert}
      <Form form={form} name="certificate" layout="vertical" onFinish={submit}>
        <Form.Item
          name="certificate"
          label={t('certs.certificate')}
          extra={t('certs.certificateHint')}
          rules={[{ required: true, whitespace: true, message: t('certs.certificateRequired') }]}
        >
          <Input.TextArea
            rows={10}
            spellCheck={false}
            placeholder={t('certs.certificatePlaceholder')}
            style={{ ...mono, fontSize: 12 }}
          />
        </Form.Item>
      </Form>
      <input
        ref={fileInput}
        type="file"
        accept=".pem,.cer,.crt,.der,.txt"
        style={{ display: 'none' }}
        onChange={async (e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (!f) return;
          form.setFieldsValue({ certificate: await readPemFile(f) });
          form.setFields([{ name: 'certificate', errors: [] }]);
        }}
      />
      <Button icon={<FileAddOutlined />} onClick={() => fileInput.current?.click()}>
        {t('certs.readFile')}
      </Button>
    </Modal>
  );
}

/** What registering answered: trusted at once (a trusted CA issued it), or waiting for customs, and what comes next. */
function AddedResult({ c, onClose }: { c: RegisteredCertificate; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const reason = isZh(i18n.language) ? c.trustReason.zh : c.trustReason.en;
  const trusted = c.trust === 'ca' || c.trust === 'approved';
  return (
    <Alert
      type={trusted ? 'success' : 'warning'}
      showIcon
      closable
      onClose={onClose}
      style={{ marginBottom: 16 }}
      data-testid="cert-added-result"
      data-trust={c.trust}
      message={trusted ? t('certs.addedTrusted') : t('certs.addedPending')}
      description={
        <div>
          <div style={{ marginBottom: 4 }}>
            {c.subject} · {reason}
          </div>
          <div>
            {trusted
              ? t('certs.nextTrusted')
              : t('certs.nextPending', { fingerprint: groupedFingerprint(c.fingerprint) })}
          </div>
        </div>
      }
    />
  );
}

/** 签名证书: the enterprise's signing certificates (加签), whether the zone trusts each, and the signature policy. */
export default function Certificates() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { message } = App.useApp();
  const { me } = useAuth();
  const uscc = me?.enterpriseUscc ?? '';
  const [requireSignature, setRequireSignature] = useState<boolean | undefined>(undefined);
  const [saving, setSaving] = useState(false);
  const [adding, setAdding] = useState(false);
  const [added, setAdded] = useState<RegisteredCertificate | null>(null);

  const list = useListPage({
    store: 'state',
    filters: () => ({}),
    fetch: async () => {
      const [items, e, cas] = await Promise.all([
        api.certificates.list(uscc),
        api.enterprises.get(uscc),
        api.trust.cas().catch(() => null),
      ]);
      setRequireSignature(typeof e.requireSignature === 'boolean' ? e.requireSignature : undefined);
      return { items, cas };
    },
    deps: [uscc],
    enabled: !!uscc,
  });
  const { items, loading, error, reload: load } = list;
  const cas = list.data?.cas ?? null;

  /** Whether the CA of a CA-issued certificate has left the trust store (or expired). */
  const caGone = (c: SigningCertificate): boolean =>
    c.trust === 'ca' && !!cas && !!c.caId && !cas.some((ca) => ca.id === c.caId && ca.status === 'active');

  const setPolicy = async (v: boolean) => {
    setSaving(true);
    try {
      await api.certificates.setPolicy(uscc, v);
      setRequireSignature(v);
      message.success(t('certs.policySaved'));
    } catch (err) {
      message.error(errorText(err, lang));
    } finally {
      setSaving(false);
    }
  };

  const revoke = async (c: SigningCertificate) => {
    try {
      await api.certificates.revoke(uscc, c.id);
      message.success(t('certs.revokedOk'));
      void load();
    } catch (err) {
      message.error(errorText(err, lang));
    }
  };

  const waiting = items.filter((c) => c.trust === 'pending' && !c.revokedAt).length;

  return (
    <div style={{ maxWidth: 1280 }}>
      <div style={{ display: 'flex', alignItems: 'center', gap: 8, marginBottom: 8 }}>
        <Typography.Title level={3} style={{ margin: 0, flex: 1 }}>
          {t('certs.title')}
        </Typography.Title>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="cert-add">
          {t('certs.add')}
        </Button>
        <Button icon={<ReloadOutlined />} onClick={() => void load()}>
          {t('common.refresh')}
        </Button>
      </div>
      <Typography.Paragraph type="secondary">{t('certs.intro')}</Typography.Paragraph>
      {error ? <Alert type="error" showIcon message={errorText(error, lang)} style={{ marginBottom: 16 }} /> : null}
      {added ? <AddedResult c={added} onClose={() => setAdded(null)} /> : null}
      {waiting > 0 && !added ? (
        <Alert
          type="warning"
          showIcon
          message={t('certs.pendingAlert', { count: waiting })}
          style={{ marginBottom: 16 }}
          data-testid="cert-pending-alert"
        />
      ) : null}

      <Card variant="borderless" styles={{ body: { padding: 0 } }}>
        <Table<SigningCertificate>
          rowKey="id"
          loading={loading}
          dataSource={items}
          pagination={false}
          data-testid="cert-table"
          locale={{ emptyText: t('certs.none') }}
          columns={[
            {
              title: t('certs.subject'),
              dataIndex: 'subject',
              render: (v: string, c) => (
                <div>
                  <div style={{ wordBreak: 'break-all' }}>{v}</div>
                  <div style={{ ...mono, fontSize: 12, color: '#8a94a6' }}>
                    {t('certs.serial')} {c.serialHex}
                  </div>
                  <div style={{ fontSize: 12, color: '#8a94a6' }}>
                    {c.algorithm.toUpperCase()} · {t('certs.registeredAt', { time: formatTime(c.addedAt, lang) })}
                  </div>
                </div>
              ),
            },
            {
              title: t('certs.trust'),
              key: 'trust',
              width: 240,
              render: (_: unknown, c) => <TrustCell c={c} caGone={caGone(c)} />,
            },
            {
              title: t('certs.validity'),
              key: 'validity',
              width: 120,
              render: (_: unknown, c) => (
                <div style={{ fontSize: 12, whiteSpace: 'nowrap' }}>
                  <div>{formatTime(c.notBefore, lang).slice(0, 10)}</div>
                  <div>– {formatTime(c.notAfter, lang).slice(0, 10)}</div>
                </div>
              ),
            },
            {
              title: t('certs.fingerprint'),
              dataIndex: 'fingerprint',
              width: 170,
              render: (v: string) => (
                <Typography.Text copyable={{ text: v }} style={{ ...mono, fontSize: 12 }}>
                  {v.slice(0, 16)}…
                </Typography.Text>
              ),
            },
            {
              title: t('certs.state'),
              key: 'state',
              width: 130,
              render: (_: unknown, c) => {
                const s = stateOf(c);
                return (
                  <Tag color={STATE_COLORS[s]}>
                    {t(`certs.${s}`)}
                    {s === 'revoked' && c.revokedAt ? ` · ${formatTime(c.revokedAt, lang).slice(0, 10)}` : ''}
                  </Tag>
                );
              },
            },
            {
              title: t('common.actions'),
              key: 'actions',
              width: 80,
              render: (_: unknown, c) =>
                c.revokedAt ? null : (
                  <Popconfirm
                    title={t('certs.revokeConfirm')}
                    onConfirm={() => revoke(c)}
                    okButtonProps={{ danger: true }}
                    okText={t('certs.revoke')}
                    cancelText={t('common.cancel')}
                  >
                    <Button type="link" danger size="small">
                      {t('certs.revoke')}
                    </Button>
                  </Popconfirm>
                ),
            },
          ]}
        />
      </Card>

      <Card variant="borderless" title={t('certs.policyTitle')} style={{ marginTop: 16 }}>
        <div style={{ display: 'flex', alignItems: 'flex-start', gap: 12 }}>
          <Switch
            checked={requireSignature === true}
            loading={saving || loading}
            onChange={(v) => void setPolicy(v)}
            data-testid="require-signature"
          />
          <div>
            <div style={{ fontWeight: 500 }}>
              {t('certs.requireAll')}
              {requireSignature === undefined && !loading && (
                <Tag style={{ marginInlineStart: 8 }}>{t('certs.policyUnknown')}</Tag>
              )}
            </div>
            <Typography.Text type="secondary">{t('certs.requireAllHint')}</Typography.Text>
          </div>
        </div>
        <Alert
          type="info"
          showIcon
          icon={<SafetyCertificateOutlined />}
          message={t('certs.alwaysSigned')}
          style={{ marginTop: 16 }}
        />
      </Card>

      <AddCertificateModal
        open={adding}
        uscc={uscc}
        onClose={() => setAdding(false)}
        onAdded={(c) => {
          setAdding(false);
          setAdded(c);
          void load();
        }}
      />
    </div>
  );
}
