import { CheckOutlined, CloseOutlined, ReloadOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, Input, Modal, Space, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorText, type PendingCertificate } from '../api';
import { pendingReason } from '../components/CertificateTrust';
import { mono } from '../components/Declaration';
import { useServerErrors } from '../components/serverErrors';
import { useListPage } from '../components/useListPage';
import { formatTime } from '../i18n';
import { groupedFingerprint } from '../trust';

type Decision = 'approve' | 'reject';

function DecisionModal({
  target,
  onClose,
  onDone,
}: {
  target: { cert: PendingCertificate; decision: Decision } | null;
  onClose: () => void;
  onDone: (c: PendingCertificate, decision: Decision) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ note: string }>();
  const serverErrors = useServerErrors(form);
  const [busy, setBusy] = useState(false);
  const approve = target?.decision === 'approve';
  const name = target ? (target.cert.enterpriseName ?? target.cert.uscc) : '';

  useEffect(() => {
    if (target) {
      form.resetFields();
      serverErrors.clear();
    }
  }, [target, form, serverErrors.clear]);

  const submit = async (v: { note: string }) => {
    if (!target) return;
    serverErrors.clear();
    setBusy(true);
    try {
      await api.trust.review(target.cert.uscc, target.cert.id, target.decision, v.note.trim());
      onDone(target.cert, target.decision);
    } catch (err) {
      serverErrors.show(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={target !== null}
      title={t(approve ? 'certReview.approveTitle' : 'certReview.rejectTitle', { name })}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t(approve ? 'certReview.approve' : 'certReview.reject')}
      okButtonProps={{ danger: !approve, 'data-testid': 'cert-review-submit' } as never}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      width={620}
      destroyOnHidden
    >
      {target && (
        <div style={{ marginBottom: 12 }}>
          <div style={{ wordBreak: 'break-all' }}>{target.cert.subject}</div>
          <div style={{ ...mono, fontSize: 12, color: '#596275' }}>{groupedFingerprint(target.cert.fingerprint)}</div>
        </div>
      )}
      <Alert
        type={approve ? 'info' : 'warning'}
        showIcon
        message={t(approve ? 'certReview.approveHint' : 'certReview.rejectHint')}
        style={{ marginBottom: 16 }}
      />
      {serverErrors.alert}
      <Form form={form} name="certReview" layout="vertical" onFinish={submit} disabled={busy}>
        <Form.Item
          name="note"
          label={t('certReview.note')}
          rules={[{ required: true, whitespace: true, message: t('certReview.noteRequired') }]}
        >
          <Input.TextArea rows={3} maxLength={500} showCount placeholder={t('certReview.notePlaceholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 证书核准: the signing certificates no trusted CA issued, for customs to approve or refuse, with a note. */
export default function CertificateReview() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { message } = App.useApp();
  const [target, setTarget] = useState<{ cert: PendingCertificate; decision: Decision } | null>(null);

  const list = useListPage({
    store: 'state',
    filters: () => ({}),
    fetch: () => api.trust.pending().then((items) => ({ items })),
  });
  const { items, loading, error, reload: load } = list;

  return (
    <div style={{ maxWidth: 1280 }}>
      <div style={{ display: 'flex', alignItems: 'center', gap: 8, marginBottom: 8 }}>
        <Typography.Title level={3} style={{ margin: 0, flex: 1 }}>
          {t('certReview.title')}
        </Typography.Title>
        <Button icon={<ReloadOutlined />} onClick={() => void load()}>
          {t('common.refresh')}
        </Button>
      </div>
      <Alert
        type="info"
        showIcon
        icon={<SafetyCertificateOutlined />}
        message={t('certReview.intro')}
        style={{ marginBottom: 16 }}
      />
      {error ? <Alert type="error" showIcon message={errorText(error, lang)} style={{ marginBottom: 16 }} /> : null}
      <Card variant="borderless" styles={{ body: { padding: 0 } }}>
        <Table<PendingCertificate>
          rowKey="id"
          loading={loading}
          dataSource={items}
          pagination={items.length > 20 ? { pageSize: 20 } : false}
          data-testid="cert-review"
          locale={{ emptyText: t('certReview.empty') }}
          columns={[
            {
              title: t('certReview.enterprise'),
              key: 'enterprise',
              width: 230,
              render: (_: unknown, c) => (
                <div>
                  <div>{c.enterpriseName ?? '—'}</div>
                  <div style={{ ...mono, fontSize: 12, color: '#8a94a6' }}>{c.uscc}</div>
                </div>
              ),
            },
            {
              title: t('certReview.subject'),
              key: 'subject',
              render: (_: unknown, c) => (
                <div>
                  <div style={{ wordBreak: 'break-all' }}>{c.subject}</div>
                  <div style={{ fontSize: 12, color: '#8a94a6' }}>
                    {c.algorithm.toUpperCase()} · {t('certs.serial')} <span style={mono}>{c.serialHex}</span>
                  </div>
                  <div style={{ fontSize: 12, color: '#ad6800' }}>
                    {t('certReview.reason')}：{pendingReason(c, t as never) ?? '—'}
                  </div>
                </div>
              ),
            },
            {
              title: t('certReview.validity'),
              key: 'validity',
              width: 110,
              render: (_: unknown, c) => (
                <div style={{ fontSize: 12, whiteSpace: 'nowrap' }}>
                  <div>{formatTime(c.notBefore, lang).slice(0, 10)}</div>
                  <div>– {formatTime(c.notAfter, lang).slice(0, 10)}</div>
                </div>
              ),
            },
            {
              title: t('certReview.fingerprint'),
              dataIndex: 'fingerprint',
              width: 200,
              render: (v: string) => (
                <Typography.Text
                  copyable={{ text: v }}
                  style={{ ...mono, fontSize: 12 }}
                  data-testid="cert-fingerprint"
                >
                  {groupedFingerprint(v)}
                </Typography.Text>
              ),
            },
            {
              title: t('certReview.addedAt'),
              dataIndex: 'addedAt',
              width: 130,
              render: (v: string) => formatTime(v, lang),
            },
            {
              title: t('common.actions'),
              key: 'actions',
              width: 120,
              render: (_: unknown, c) => (
                <Space direction="vertical" size={4}>
                  <Button
                    size="small"
                    type="primary"
                    icon={<CheckOutlined />}
                    onClick={() => setTarget({ cert: c, decision: 'approve' })}
                    data-testid="cert-approve"
                  >
                    {t('certReview.approve')}
                  </Button>
                  <Button
                    size="small"
                    danger
                    icon={<CloseOutlined />}
                    onClick={() => setTarget({ cert: c, decision: 'reject' })}
                    data-testid="cert-reject"
                  >
                    {t('certReview.reject')}
                  </Button>
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <DecisionModal
        target={target}
        onClose={() => setTarget(null)}
        onDone={(c, decision) => {
          setTarget(null);
          message.success(
            t(decision === 'approve' ? 'certReview.approved' : 'certReview.rejected', {
              name: c.enterpriseName ?? c.uscc,
            }),
          );
          void load();
        }}
      />
    </div>
  );
}
