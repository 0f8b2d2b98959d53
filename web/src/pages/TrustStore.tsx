import { FileAddOutlined, PlusOutlined, ReloadOutlined, StopOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, Input, Modal, Popconfirm, Table, Tag, Typography } from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type CrlLoaded, errorText, type TrustedCa } from '../api';
import { readPemFile } from '../components/CertificateTrust';
import { mono } from '../components/Declaration';
import { useServerErrors } from '../components/serverErrors';
import { useListPage } from '../components/useListPage';
import { formatTime } from '../i18n';
import { groupedFingerprint } from '../trust';

const STATUS_COLORS: Record<TrustedCa['status'], string> = {
  active: 'success',
  expired: 'warning',
  removed: 'default',
};

/** A text field of PEM (or Base64 DER) that a file can fill: the file is read as PEM text or as Base64. */
function PemField({
  name,
  label,
  hint,
  required,
  placeholder,
  accept,
  rows,
}: {
  name: string;
  label: string;
  hint: string;
  required: string;
  placeholder: string;
  accept: string;
  rows: number;
}) {
  const { t } = useTranslation();
  const form = Form.useFormInstance();
  const input = useRef<HTMLInputElement>(null);
  const [fileName, setFileName] = useState<string | null>(null);
  return (
    <>
      <Form.Item
        name={name}
        label={label}
        extra={hint}
        rules={[{ required: true, whitespace: true, message: required }]}
      >
        <Input.TextArea
          rows={rows}
          spellCheck={false}
          placeholder={placeholder}
          style={{ ...mono, fontSize: 12 }}
          onChange={() => setFileName(null)}
        />
      </Form.Item>
      <input
        ref={input}
        type="file"
        accept={accept}
        style={{ display: 'none' }}
        data-testid={`${name}-file`}
        onChange={async (e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (!f) return;
          form.setFieldsValue({ [name]: await readPemFile(f) });
          form.setFields([{ name, errors: [] }]);
          setFileName(f.name);
        }}
      />
      <div style={{ display: 'flex', alignItems: 'center', gap: 12 }}>
        <Button icon={<FileAddOutlined />} onClick={() => input.current?.click()}>
          {t('trustStore.readFile')}
        </Button>
        {fileName && <Typography.Text type="secondary">{t('trustStore.fileRead', { name: fileName })}</Typography.Text>}
      </div>
    </>
  );
}

function AddCaModal({
  open,
  onClose,
  onAdded,
}: {
  open: boolean;
  onClose: () => void;
  onAdded: (r: { ca: TrustedCa; promoted: number }) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ label: string; certificate: string }>();
  const serverErrors = useServerErrors(form);
  const [busy, setBusy] = useState(false);

  const submit = async (v: { label: string; certificate: string }) => {
    serverErrors.clear();
    setBusy(true);
    try {
      onAdded(await api.trust.addCa(v.certificate.trim(), v.label.trim()));
      form.resetFields();
    } catch (err) {
      serverErrors.show(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('trustStore.add')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('trustStore.add')}
      okButtonProps={{ 'data-testid': 'ca-add-submit' } as never}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      width={680}
      destroyOnHidden
    >
      {serverErrors.alert}
      <Form form={form} name="trustedCa" layout="vertical" onFinish={submit} disabled={busy}>
        <Form.Item
          name="label"
          label={t('trustStore.label')}
          rules={[{ required: true, whitespace: true, message: t('trustStore.labelRequired') }]}
        >
          <Input maxLength={200} placeholder={t('trustStore.labelPlaceholder')} />
        </Form.Item>
        <PemField
          name="certificate"
          label={t('trustStore.certificate')}
          hint={t('trustStore.certificateHint')}
          required={t('trustStore.certificateRequired')}
          placeholder={t('certs.certificatePlaceholder')}
          accept=".pem,.cer,.crt,.der,.txt"
          rows={9}
        />
      </Form>
    </Modal>
  );
}

function CrlModal({
  open,
  onClose,
  onLoaded,
}: {
  open: boolean;
  onClose: () => void;
  onLoaded: (r: CrlLoaded) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ crl: string }>();
  const serverErrors = useServerErrors(form);
  const [busy, setBusy] = useState(false);

  const submit = async (v: { crl: string }) => {
    serverErrors.clear();
    setBusy(true);
    try {
      onLoaded(await api.trust.loadCrl(v.crl.trim()));
      form.resetFields();
    } catch (err) {
      serverErrors.show(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('trustStore.crlTitle')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('trustStore.crl')}
      okButtonProps={{ 'data-testid': 'crl-submit' } as never}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      width={680}
      destroyOnHidden
    >
      {serverErrors.alert}
      <Form form={form} name="crl" layout="vertical" onFinish={submit} disabled={busy}>
        <PemField
          name="crl"
          label={t('trustStore.crlField')}
          hint={t('trustStore.crlHint')}
          required={t('trustStore.crlRequired')}
          placeholder={'-----BEGIN X509 CRL-----\nMIIB…\n-----END X509 CRL-----'}
          accept=".crl,.pem,.der,.txt"
          rows={7}
        />
      </Form>
    </Modal>
  );
}

/** 证书信任: the certificate authorities the zone trusts (platform admin): add, remove, load their CRLs. */
export default function TrustStore() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { message, modal } = App.useApp();
  const [adding, setAdding] = useState(false);
  const [loadingCrl, setLoadingCrl] = useState(false);

  const list = useListPage({
    store: 'state',
    filters: () => ({}),
    fetch: () => api.trust.cas().then((items) => ({ items })),
  });
  const { items, loading, error, reload: load } = list;

  const remove = async (ca: TrustedCa) => {
    try {
      await api.trust.removeCa(ca.id);
      message.success(t('trustStore.removed', { label: ca.label }));
      void load();
    } catch (err) {
      message.error(errorText(err, lang));
    }
  };

  const activeDemo = items.some((c) => c.demo && c.status === 'active');
  const active = items.filter((c) => c.status === 'active').length;

  return (
    <div style={{ maxWidth: 1280 }}>
      <div style={{ display: 'flex', alignItems: 'center', gap: 8, marginBottom: 8 }}>
        <Typography.Title level={3} style={{ margin: 0, flex: 1 }}>
          {t('trustStore.title')}
        </Typography.Title>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="ca-add">
          {t('trustStore.add')}
        </Button>
        <Button icon={<UploadOutlined />} onClick={() => setLoadingCrl(true)} data-testid="crl-load">
          {t('trustStore.crl')}
        </Button>
        <Button icon={<ReloadOutlined />} onClick={() => void load()}>
          {t('common.refresh')}
        </Button>
      </div>
      <Typography.Paragraph type="secondary">{t('trustStore.intro')}</Typography.Paragraph>
      {activeDemo && (
        <Alert
          type="error"
          showIcon
          message={t('trustStore.demoWarning')}
          description={t('trustStore.demoWarningBody')}
          style={{ marginBottom: 16 }}
          data-testid="demo-ca-warning"
        />
      )}
      {!loading && active === 0 && (
        <Alert type="warning" showIcon message={t('trustStore.none')} style={{ marginBottom: 16 }} />
      )}
      {error ? <Alert type="error" showIcon message={errorText(error, lang)} style={{ marginBottom: 16 }} /> : null}

      <Card variant="borderless" styles={{ body: { padding: 0 } }}>
        <Table<TrustedCa>
          rowKey="id"
          loading={loading}
          dataSource={items}
          pagination={false}
          data-testid="trusted-cas"
          columns={[
            {
              title: t('trustStore.label'),
              dataIndex: 'label',
              render: (v: string, c) => (
                <div style={{ opacity: c.status === 'removed' ? 0.6 : 1 }}>
                  <div>
                    {c.demo && (
                      <Tag color="volcano" data-testid="tag-demo">
                        {t('trustStore.demo')}
                      </Tag>
                    )}
                    {v}
                  </div>
                  <div style={{ fontSize: 12, color: '#8a94a6', wordBreak: 'break-all' }}>
                    {t('trustStore.subject')}：{c.subject}
                  </div>
                </div>
              ),
            },
            {
              title: t('trustStore.validity'),
              key: 'validity',
              width: 180,
              render: (_: unknown, c) => (
                <div style={{ fontSize: 12, whiteSpace: 'nowrap' }}>
                  {formatTime(c.notBefore, lang).slice(0, 10)} – {formatTime(c.notAfter, lang).slice(0, 10)}
                </div>
              ),
            },
            {
              title: t('trustStore.fingerprint'),
              dataIndex: 'fingerprint',
              width: 190,
              render: (v: string) => (
                <Typography.Text copyable={{ text: v }} style={{ ...mono, fontSize: 12 }}>
                  {groupedFingerprint(v).slice(0, 39)}…
                </Typography.Text>
              ),
            },
            {
              title: t('trustStore.status'),
              key: 'status',
              width: 120,
              render: (_: unknown, c) => (
                <div>
                  <Tag color={STATUS_COLORS[c.status]} data-status={c.status}>
                    {t(`trustStore.statuses.${c.status}`)}
                  </Tag>
                  {c.removedAt && (
                    <div style={{ fontSize: 12, color: '#8a94a6' }}>
                      {t('trustStore.removedAt', { time: formatTime(c.removedAt, lang) })}
                    </div>
                  )}
                </div>
              ),
            },
            {
              title: t('trustStore.addedAt'),
              dataIndex: 'addedAt',
              width: 120,
              render: (v: string) => formatTime(v, lang),
            },
            {
              title: t('common.actions'),
              key: 'actions',
              width: 90,
              render: (_: unknown, c) =>
                c.status === 'removed' ? null : (
                  <Popconfirm
                    title={t('trustStore.removeConfirm', { label: c.label })}
                    onConfirm={() => remove(c)}
                    okButtonProps={{ danger: true, 'data-testid': 'ca-remove-confirm' } as never}
                    okText={t('trustStore.remove')}
                    cancelText={t('common.cancel')}
                  >
                    <Button type="link" danger size="small" icon={<StopOutlined />} data-testid="ca-remove">
                      {t('trustStore.remove')}
                    </Button>
                  </Popconfirm>
                ),
            },
          ]}
        />
      </Card>

      <AddCaModal
        open={adding}
        onClose={() => setAdding(false)}
        onAdded={(r) => {
          setAdding(false);
          message.success(t('trustStore.added', { label: r.ca.label }));
          if (r.promoted > 0) message.info(t('trustStore.promoted', { count: r.promoted }));
          void load();
        }}
      />
      <CrlModal
        open={loadingCrl}
        onClose={() => setLoadingCrl(false)}
        onLoaded={(r) => {
          setLoadingCrl(false);
          modal.success({
            title: t('trustStore.crlLoaded', { label: r.ca.label, entries: r.entries, added: r.added }),
            content: t('trustStore.crlUpdate', {
              thisUpdate: formatTime(r.thisUpdate, lang),
              nextUpdate: formatTime(r.nextUpdate, lang),
            }),
          });
          void load();
        }}
      />
    </div>
  );
}
