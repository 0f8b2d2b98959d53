import { CloudUploadOutlined, FileTextOutlined, InboxOutlined } from '@ant-design/icons';
import { Alert, Upload as AntUpload, Button, Card, Input, Result, Segmented, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, errorText, type UploadAnswer } from '../api';
import { codeMeaning, returnStatusText, typeLabel } from '../ceb';
import { ErrorList, formatBytes, mono } from '../components/Declaration';

type Mode = 'file' | 'paste';

function formatOfFile(f: File): 'xml' | 'json' {
  return /\.json$/i.test(f.name) || f.type.includes('json') ? 'json' : 'xml';
}

function formatOfText(s: string): 'xml' | 'json' {
  return /^\s*[{[]/.test(s) ? 'json' : 'xml';
}

function UploadResult({ answer, source, onAgain }: { answer: UploadAnswer; source: string; onAgain: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const r = answer.receipt;
  const accepted = r.status === 'accepted';
  const first = r.errors[0];
  const code = first?.code ?? r.returnStatus;
  const meaning = codeMeaning(code, lang) || returnStatusText(r.returnStatus, lang).text;
  return (
    <Card variant="borderless" data-testid="upload-result" data-status={r.status}>
      {answer.replay && <Alert type="info" showIcon message={t('upload.replay')} style={{ marginBottom: 8 }} />}
      <Result
        status={accepted ? 'success' : 'error'}
        title={accepted ? t('upload.acceptedTitle') : t('upload.rejectedTitle')}
        subTitle={
          <Space direction="vertical" size={2}>
            <span>
              {accepted
                ? t('upload.acceptedSub', {
                    type: typeLabel(r.type, lang),
                    count: r.recordCount,
                    status: `${r.returnStatus} ${returnStatusText(r.returnStatus, lang).text}`,
                  })
                : t('upload.rejectedSub', { type: typeLabel(r.type, lang), code, meaning })}
            </span>
            <span>{source}</span>
            <span style={{ ...mono, fontSize: 12 }}>
              {t('decl.messageId')} {r.messageId}
              {r.guid ? ` · GUID ${r.guid}` : ''} · HTTP {answer.httpStatus}
            </span>
          </Space>
        }
        extra={[
          <Link key="detail" to={`/portal/messages?id=${encodeURIComponent(r.messageId)}`}>
            <Button type={accepted ? 'primary' : 'default'} data-testid="upload-detail-link">
              {t('upload.viewDetail')}
            </Button>
          </Link>,
          <Button key="again" onClick={onAgain}>
            {t('upload.another')}
          </Button>,
        ]}
        style={{ padding: '16px 16px 8px' }}
      >
        {r.errors.length > 0 || r.warnings.length > 0 ? (
          <div style={{ textAlign: 'left' }}>
            {r.errors.length > 0 && (
              <Typography.Title level={5} style={{ marginTop: 0 }}>
                {t('decl.errors')} · {t('decl.errorCount', { count: r.errors.length })}
              </Typography.Title>
            )}
            <ErrorList errors={r.errors} warnings={r.warnings} />
          </div>
        ) : null}
      </Result>
    </Card>
  );
}

/** 报文上传: declare one message file (or pasted XML) from the browser and show its receipt in plain words. */
export default function Upload() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [mode, setMode] = useState<Mode>('file');
  const [file, setFile] = useState<File | null>(null);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<UploadAnswer | null>(null);
  const [source, setSource] = useState('');
  const [error, setError] = useState<unknown>(null);

  const ready = mode === 'file' ? !!file : text.trim() !== '';

  const submit = async () => {
    setError(null);
    setAnswer(null);
    if (!ready) {
      setError(new Error(t('upload.needContent')));
      return;
    }
    setBusy(true);
    try {
      const a =
        mode === 'file' && file
          ? await api.messages.upload(file, formatOfFile(file))
          : await api.messages.upload(text, formatOfText(text));
      setSource(mode === 'file' && file ? t('upload.source', { name: file.name }) : t('upload.pasted'));
      setAnswer(a);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const again = () => {
    setAnswer(null);
    setError(null);
    setFile(null);
    setText('');
  };

  return (
    <div style={{ maxWidth: 1100 }}>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('upload.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('upload.intro')}</Typography.Paragraph>
      {answer ? (
        <UploadResult answer={answer} source={source} onAgain={again} />
      ) : (
        <Card variant="borderless">
          <Segmented<Mode>
            value={mode}
            onChange={(v) => {
              setMode(v);
              setError(null);
            }}
            options={[
              { value: 'file', label: t('upload.tabFile'), icon: <CloudUploadOutlined /> },
              { value: 'paste', label: t('upload.tabPaste'), icon: <FileTextOutlined /> },
            ]}
            style={{ marginBottom: 16 }}
          />
          {mode === 'file' ? (
            <>
              <AntUpload.Dragger
                accept=".xml,.json,application/xml,text/xml,application/json"
                multiple={false}
                showUploadList={false}
                beforeUpload={(f) => {
                  setFile(f);
                  setAnswer(null);
                  setError(null);
                  return false;
                }}
                data-testid="upload-dragger"
              >
                <p className="ant-upload-drag-icon">
                  <InboxOutlined />
                </p>
                <p className="ant-upload-text">{t('upload.drop')}</p>
                <p className="ant-upload-hint">{t('upload.dropHint')}</p>
              </AntUpload.Dragger>
              {file && (
                <div style={{ marginTop: 12 }} data-testid="upload-chosen">
                  <Space>
                    <FileTextOutlined />
                    <span>{t('upload.chosen', { name: file.name, size: formatBytes(file.size) })}</span>
                    <Button type="link" size="small" onClick={() => setFile(null)}>
                      {t('upload.removeFile')}
                    </Button>
                  </Space>
                </div>
              )}
            </>
          ) : (
            <Input.TextArea
              value={text}
              onChange={(e) => setText(e.target.value)}
              rows={14}
              spellCheck={false}
              placeholder={t('upload.pastePlaceholder')}
              style={{ ...mono, fontSize: 12 }}
              data-testid="upload-text"
            />
          )}
          {error ? (
            <Alert
              type="error"
              showIcon
              style={{ marginTop: 16 }}
              message={t('upload.failedTitle')}
              description={errorText(error, lang)}
              data-testid="upload-error"
            />
          ) : null}
          <div style={{ marginTop: 16 }}>
            <Button
              type="primary"
              icon={<CloudUploadOutlined />}
              loading={busy}
              disabled={!ready}
              onClick={() => void submit()}
              data-testid="upload-submit"
            >
              {t('upload.submit')}
            </Button>
          </div>
        </Card>
      )}
    </div>
  );
}
